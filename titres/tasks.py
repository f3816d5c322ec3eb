"""Background work of titres: render the PDFs of an issued batch over every worker, then e-mail
each titre once. The tasks keep the names they had in `billing.tasks` (queued ones still run).

`process_batch` cuts the batch's numbers into chunks (`TitreBatchChunk`, planned once) and
becomes a chord in two waves: first, for each chunk, `render_chunk` stores its PDFs (the workers
share them, each retried alone); then `mail_batch`, a chord of one `send_chunk` per chunk that
e-mails its titres, and `finish_batch`, which sends whatever is left and sums up. The PDFs are
the titres' documents, the e-mails notifications of them: rendering every chunk before the first
e-mail makes the batch's documents ready sooner (the e-mails no longer share the workers with
the renders), for the same work in all.

Tasks take ids and can run twice: a stored PDF is never rendered again (one document per titre;
a chunk's task holds its row lock while it renders), and an e-mail is recorded in the
transaction that sends it (one record per titre and address).
"""

from celery import chord, group, shared_task
from celery.result import allow_join_result
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from ligeris.lib.scopes import in_scope_of
from titres import titre_mail
from titres.models import RevenueTitle, TitreBatch, TitreBatchChunk, TitreDocument, TitreState
from titres.titre_pdf import render_titres, sha256

#: Titres laid out per render task, unless `settings.LIGERIS_TITRE_CHUNK` says otherwise: large
#: enough to share a render's start-up, small enough for memory and to spread a batch.
RENDER_CHUNK = 50
#: Worth another try: an SMTP or network error, the database restarted or out of reach.
TRANSIENT = (OSError, OperationalError, InterfaceError)
RETRY = {"autoretry_for": TRANSIENT, "retry_backoff": True, "max_retries": 5}


def _issued(batch_id: int):
    return (
        RevenueTitle.objects.filter(batch_id=batch_id, state=TitreState.ISSUED)
        .select_related("debtor", "tenant")
        .prefetch_related("lines")
        .order_by("number")
    )


def chunks_plan(batch_id: int) -> list[TitreBatchChunk]:
    """The batch's chunks, cut the first time: consecutive numbers, `LIGERIS_TITRE_CHUNK` each.

    The titres of an issued batch never change, so two plans at once cut the same chunks, and
    the unique (batch, index) keeps one of each.
    """
    chunks = list(TitreBatchChunk.objects.filter(batch_id=batch_id))
    if chunks:
        return chunks
    numbers = list(_issued(batch_id).values_list("number", flat=True))
    size = getattr(settings, "LIGERIS_TITRE_CHUNK", RENDER_CHUNK)
    TitreBatchChunk.objects.bulk_create(
        [
            TitreBatchChunk(
                batch_id=batch_id,
                index=index,
                first_number=numbers[start],
                last_number=numbers[min(start + size, len(numbers)) - 1],
            )
            for index, start in enumerate(range(0, len(numbers), size))
        ],
        ignore_conflicts=True,
    )
    return list(TitreBatchChunk.objects.filter(batch_id=batch_id))


def render_pdfs(batch_id: int, first_number: int, last_number: int) -> dict[int, bytes]:
    """Store the PDF of every titre of the chunk that has none yet, then date the chunk; return
    the PDFs stored, by titre pk (as stored: for the e-mails, which attach them)."""
    with transaction.atomic():
        # Locked while it renders: the same chunk's task run twice waits, then finds it done.
        chunk = (
            TitreBatchChunk.objects.select_for_update()
            .filter(batch_id=batch_id, first_number=first_number, last_number=last_number)
            .first()
        )
        if chunk is not None and chunk.done_at is not None:
            return {}
        missing = list(
            _issued(batch_id).filter(
                number__range=(first_number, last_number), document__isnull=True
            )
        )
        pdfs = render_titres(missing) if missing else {}
        if pdfs:
            TitreDocument.objects.bulk_create(
                [
                    TitreDocument(titre_id=pk, pdf=pdf, sha256=sha256(pdf), size=len(pdf))
                    for pk, pdf in pdfs.items()
                ],
                ignore_conflicts=True,
            )
        if chunk is None:
            # A range asked by hand, without the chunk's lock: the first PDF stored stays.
            stored = TitreDocument.objects.filter(titre_id__in=pdfs).values_list("titre_id", "pdf")
            return {pk: bytes(pdf) for pk, pdf in stored}
        chunk.done_at = timezone.now()
        chunk.save(update_fields=["done_at"])
        return pdfs


def chunk_render(batch_id: int, first_number: int, last_number: int) -> int:
    """Render the chunk's titres that have no PDF yet (`render_pdfs`); return how many."""
    return len(render_pdfs(batch_id, first_number, last_number))


def render_missing(batch_id: int) -> int:
    """Render every chunk of the batch not done yet, here and now; return the PDFs stored."""
    return sum(
        chunk_render(batch_id, chunk.first_number, chunk.last_number)
        for chunk in chunks_plan(batch_id)
        if chunk.done_at is None
    )


def send_missing(batch_id: int, first_number: int = 1, last_number: int | None = None) -> int:
    """E-mail each titre of the batch (or of its numbers `first_number` to `last_number`) whose
    PDF is stored, once (`titres.titre_mail`); return how many were sent."""
    return titre_mail.send_titres(batch_id, first_number, last_number)


@shared_task(name="billing.tasks.render_chunk", **RETRY)
@in_scope_of(TitreBatch, "batch_id")
def render_chunk(batch_id: int, first_number: int, last_number: int, mail: bool = True) -> dict:
    """Render one chunk of an issued batch (numbers `first_number` to `last_number`); then,
    unless `mail` is false (the first wave of `process_batch`, whose second wave e-mails), e-mail
    its titres with the PDFs in hand (what the chords queued before the two waves expect).

    Retried (a send or the database failed), it renders nothing already stored and sends only
    what was not sent; its result counts what this run did.
    """
    pdfs = render_pdfs(batch_id, first_number, last_number)
    sent = titre_mail.send_titres(batch_id, first_number, last_number, pdfs=pdfs) if mail else 0
    return {"rendered": len(pdfs), "sent": sent}


@shared_task(name="billing.tasks.send_chunk", **RETRY)
@in_scope_of(TitreBatch, "batch_id")
def send_chunk(rendered: int | dict, batch_id: int, first_number: int, last_number: int) -> dict:
    """E-mail what is left of a chunk, its PDFs stored (`rendered`: what its `render_chunk`
    returned, a count in the chains queued before it returned a dict; carried on to the sum)."""
    done = rendered if isinstance(rendered, dict) else {"rendered": rendered, "sent": 0}
    return {**done, "sent": done["sent"] + send_missing(batch_id, first_number, last_number)}


@shared_task(name="billing.tasks.finish_batch", **RETRY)
@in_scope_of(TitreBatch, "batch_id")
def finish_batch(chunks: list[dict], batch_id: int) -> dict:
    """The end of the chord: every chunk is rendered and sent; send what is left (nothing,
    unless titres were added by hand), and sum up."""
    return {
        "rendered": sum(chunk["rendered"] for chunk in chunks),
        "sent": sum(chunk["sent"] for chunk in chunks) + send_missing(batch_id),
    }


@shared_task(name="titres.tasks.mail_batch", bind=True, **RETRY)
@in_scope_of(TitreBatch, "batch_id")
def mail_batch(self, rendered: list[dict], batch_id: int) -> dict:
    """The second wave, once every chunk is rendered (`rendered`: their results, in the order
    of the chunks): one `send_chunk` per chunk over the workers, then `finish_batch`.

    Queued, it is replaced by that chord; called directly or eagerly, it runs it here."""
    chunks = chunks_plan(batch_id)
    job = chord(
        group(
            send_chunk.si(done, batch_id, c.first_number, c.last_number)
            for done, c in zip(rendered, chunks, strict=True)
        ),
        finish_batch.s(batch_id),
    )
    return _run_or_replace(self, job)


def _run_or_replace(task, job):
    """`job` in place of `task`: queued, the task is replaced by it (its result is the job's);
    called directly or eagerly, the job runs here."""
    if task.request.called_directly or task.request.is_eager:
        with allow_join_result():  # every result here is already there: nothing waits
            return job.apply().get()
    return task.replace(job)


@shared_task(name="billing.tasks.process_batch", bind=True, **RETRY)
@in_scope_of(TitreBatch, "batch_id")
def process_batch(self, batch_id: int) -> dict:
    """Render, then e-mail, every titre of an issued batch; a rerun only does what is missing.

    Queued, it is replaced by the chord of its chunks' renders, then their e-mails (its result
    is the last chord's); called directly or eagerly, it runs them here.
    """
    if not TitreBatch.objects.filter(pk=batch_id, state="issued").exists():
        return {"rendered": 0, "sent": 0}
    chunks = chunks_plan(batch_id)
    unsent = (
        _issued(batch_id).exclude(emails__sent_at__isnull=False).exclude(snapshot__debtor__email="")
    )
    if all(chunk.done_at for chunk in chunks) and not unsent.exists():
        return {"rendered": 0, "sent": 0}
    # Every chunk, even done: what a chunk has done costs a query or two to skip.
    job = chord(
        group(render_chunk.si(batch_id, c.first_number, c.last_number, mail=False) for c in chunks),
        mail_batch.s(batch_id),
    )
    return _run_or_replace(self, job)
