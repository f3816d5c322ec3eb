"""Background work of billing: render the PDFs of an issued batch, then e-mail each titre once.

Tasks take ids and can run twice: a stored PDF is never rendered again (one document per titre),
and an e-mail is recorded in the transaction that sends it (one record per titre and address).
"""

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import RevenueTitle, TitreBatch, TitreDocument, TitreEmail, TitreState
from billing.titre_pdf import render_titres, sha256
from ligeris.lib.email import send_templated_email

#: Titres laid out per render: large enough to share the layout cost, small enough for memory.
RENDER_CHUNK = 50


def _issued(batch_id: int):
    return (
        RevenueTitle.objects.filter(batch_id=batch_id, state=TitreState.ISSUED)
        .select_related("debtor", "tenant")
        .prefetch_related("lines")
        .order_by("number")
    )


def render_missing(batch_id: int) -> int:
    """Store the PDF of every issued titre of the batch that has none yet; return how many."""
    missing = list(_issued(batch_id).filter(document__isnull=True))
    stored = 0
    for start in range(0, len(missing), RENDER_CHUNK):
        chunk = missing[start : start + RENDER_CHUNK]
        pdfs = render_titres(chunk)
        documents = [
            TitreDocument(titre_id=pk, pdf=pdf, sha256=sha256(pdf), size=len(pdf))
            for pk, pdf in pdfs.items()
        ]
        # A duplicated task may have stored some meanwhile: the first PDF stored stays.
        created = TitreDocument.objects.bulk_create(documents, ignore_conflicts=True)
        stored += len(created)
    return stored


def _send_one(titre: RevenueTitle, email: str) -> bool:
    try:
        with transaction.atomic():
            delivery, _created = TitreEmail.objects.get_or_create(titre=titre, email=email)
    except IntegrityError:  # another worker created it between our read and our insert
        pass
    with transaction.atomic():
        delivery = TitreEmail.objects.select_for_update().get(titre=titre, email=email)
        if delivery.sent_at:
            return False
        # Dated in the transaction of the send: a failed send rolls the record back.
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
        document = TitreDocument.objects.get(titre=titre)
        link = settings.LIGERIS_BASE_URL.rstrip("/") + titre.get_absolute_url()
        send_templated_email(
            "titre",
            to=[email],
            context={"titre": titre, "snapshot": titre.snapshot, "link": link},
            attachments=[(f"titre-{titre.reference}.pdf", bytes(document.pdf), "application/pdf")],
        )
        return True


def send_missing(batch_id: int) -> int:
    """E-mail each titre of the batch to its debtor's address, once; return how many were sent.

    A failed send does not hold back the titres after it: they are sent, then the first error
    is raised so that the task retries what is left.
    """
    sent = 0
    failure: OSError | None = None
    for titre in _issued(batch_id).filter(document__isnull=False):
        email = titre.snapshot.get("debtor", {}).get("email")
        if not email:
            continue
        try:
            if _send_one(titre, email):
                sent += 1
        except OSError as error:
            failure = failure or error
    if failure is not None:
        raise failure
    return sent


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def process_batch(self, batch_id: int) -> dict:
    """Render, then e-mail, every titre of an issued batch; a rerun only does what is missing."""
    if not TitreBatch.objects.filter(pk=batch_id, state="issued").exists():
        return {"rendered": 0, "sent": 0}
    return {"rendered": render_missing(batch_id), "sent": send_missing(batch_id)}
