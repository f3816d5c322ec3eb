"""A batch's PDFs rendered chunk by chunk (in eager mode here; `test_titres_chunks_worker.py`
runs them over real workers): chunks cut once, each chunk idempotent, progress counted in chunks.

Chunks of 5 (`LIGERIS_TITRE_CHUNK`) cut the 20 titres of `twenty_drafts` into 4.
"""

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.services import titres
from tests.titre_fixtures import issued, twenty_drafts
from titres import tasks, titre_selectors
from titres.models import TitreBatchChunk, TitreDocument, TitreEmail


@pytest.fixture
def batch(world, billing_year, settings):
    """20 titres issued, their job not run (no commit in a test transaction); chunks of 5."""
    settings.LIGERIS_TITRE_CHUNK = 5
    return titres.batch_issue(batch=twenty_drafts(world, billing_year))


class FailingThirdBackend(EmailBackend):
    """The locmem backend, except that the third message it is given after `arm()` raises
    OSError (an SMTP error is one)."""

    given = None

    def send_messages(self, messages):
        cls = type(self)
        if cls.given is not None:
            cls.given += len(messages)
            if cls.given >= 3:
                cls.given = None
                raise OSError("SMTP indisponible")
        return super().send_messages(messages)


def _attached() -> list[str]:
    return sorted(message.attachments[0][0] for message in mail.outbox)


def _documents(batch) -> dict[int, tuple[str, object]]:
    return {
        d.titre_id: (d.sha256, d.created_at)
        for d in TitreDocument.objects.filter(titre__batch=batch)
    }


def test_the_chunks_are_cut_once_in_runs_of_consecutive_numbers(batch, settings):
    numbers = [titre.number for titre in issued(batch)]
    assert numbers == list(range(1, 21))
    chunks = tasks.chunks_plan(batch.pk)
    assert [(c.index, c.first_number, c.last_number, c.done_at) for c in chunks] == [
        (0, 1, 5, None),
        (1, 6, 10, None),
        (2, 11, 15, None),
        (3, 16, 20, None),
    ]
    settings.LIGERIS_TITRE_CHUNK = 3  # cut already: a second plan keeps the first
    assert tasks.chunks_plan(batch.pk) == chunks
    assert TitreBatchChunk.objects.count() == 4


def test_the_last_chunk_holds_what_is_left(world, billing_year, settings):
    settings.LIGERIS_TITRE_CHUNK = 6
    batch = titres.batch_issue(batch=twenty_drafts(world, billing_year))
    ranges = [(c.first_number, c.last_number) for c in tasks.chunks_plan(batch.pk)]
    assert ranges == [(1, 6), (7, 12), (13, 18), (19, 20)]


def test_a_chunk_run_twice_stores_nothing_new(batch, django_assert_num_queries):
    chunk = tasks.chunks_plan(batch.pk)[1]
    assert tasks.render_chunk.delay(batch.pk, 6, 10).get() == {"rendered": 5, "sent": 5}
    stored = _documents(batch)
    assert sorted(t.number for t in issued(batch) if t.pk in stored) == [6, 7, 8, 9, 10]
    chunk.refresh_from_db()
    assert chunk.done_at is not None

    with django_assert_num_queries(3):  # savepoint, the chunk's row locked, released: no render
        assert tasks.chunk_render(batch.pk, 6, 10) == 0
    assert tasks.render_chunk.delay(batch.pk, 6, 10).get() == {"rendered": 0, "sent": 0}
    assert len(mail.outbox) == 5
    assert _documents(batch) == stored
    # A range asked by hand, with no chunk row: its PDFs are there, nothing is rendered.
    assert tasks.chunk_render(batch.pk, 7, 9) == 0
    assert _documents(batch) == stored
    assert TitreBatchChunk.objects.filter(done_at__isnull=False).count() == 1


def test_the_progress_bar_counts_chunks_done(batch):
    progress = titre_selectors.batch_progress(batch)
    assert (progress.chunks, progress.chunks_done, progress.percent) == (0, 0, 0)
    chunks = tasks.chunks_plan(batch.pk)
    for done, chunk in enumerate(chunks[:2], start=1):
        tasks.chunk_render(batch.pk, chunk.first_number, chunk.last_number)
        progress = titre_selectors.batch_progress(batch)
        assert (progress.chunks, progress.chunks_done) == (4, done)
        assert progress.rendered == 5 * done and not progress.done
    # Half the PDFs of 20 titres, none of their 20 e-mails: a quarter of the job.
    assert progress.percent == 25
    assert progress.as_dict()["chunks_done"] == 2

    assert tasks.process_batch(batch.pk) == {"rendered": 10, "sent": 20}
    progress = titre_selectors.batch_progress(batch)
    assert (progress.chunks, progress.chunks_done, progress.percent, progress.done) == (
        4,
        4,
        100,
        True,
    )


def test_the_job_renders_only_the_chunks_not_done(batch):
    first = tasks.chunks_plan(batch.pk)[0]
    tasks.chunk_render(batch.pk, first.first_number, first.last_number)
    before = _documents(batch)

    assert tasks.process_batch.delay(batch.pk).get() == {"rendered": 15, "sent": 20}
    after = _documents(batch)
    assert len(after) == 20 and {pk: after[pk] for pk in before} == before
    assert len(mail.outbox) == 20 == TitreEmail.objects.filter(sent_at__isnull=False).count()
    assert tasks.process_batch.delay(batch.pk).get() == {"rendered": 0, "sent": 0}
    assert len(mail.outbox) == 20 and _documents(batch) == after


def test_a_chunk_retried_after_a_failed_send_sends_no_email_twice(batch, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingThirdBackend"
    FailingThirdBackend.given = 0
    refs = [t.reference for t in issued(batch) if 6 <= t.number <= 10]
    # The third send of the chunk fails: the others are sent, the task asks for a retry.
    with pytest.raises(Retry):
        tasks.render_chunk.delay(batch.pk, 6, 10)
    assert _attached() == sorted(f"titre-{ref}.pdf" for ref in refs[:2] + refs[3:])
    assert TitreEmail.objects.filter(sent_at__isnull=False).count() == 4
    assert TitreEmail.objects.filter(sent_at__isnull=True).count() == 1  # dated back to none

    # The retry: the PDFs are stored, the four e-mails sent; only the failed one goes.
    assert tasks.render_chunk.delay(batch.pk, 6, 10).get() == {"rendered": 0, "sent": 1}
    # A duplicate of the chunk's task, on another worker or late: nothing.
    assert tasks.render_chunk.delay(batch.pk, 6, 10).get() == {"rendered": 0, "sent": 0}
    assert _attached() == sorted(f"titre-{ref}.pdf" for ref in refs)
    assert (
        TitreEmail.objects.filter(sent_at__isnull=False).count() == 5 == TitreEmail.objects.count()
    )


def _sending_queries(batch, first: int, last: int) -> int:
    tasks.chunk_render(batch.pk, first, last)
    with CaptureQueriesContext(connection) as queries:
        assert tasks.send_missing(batch.pk, first, last) == last - first + 1
    return len(queries)


def test_the_emails_of_a_chunk_cost_a_fixed_number_of_queries_and_one_update_each(batch):
    # The titres, their PDFs, the records (checked, then inserted at once); then per e-mail
    # its record dated in a transaction of its own (here a savepoint, its update, its release).
    assert _sending_queries(batch, 1, 5) == 4 + 3 * 5
    assert _sending_queries(batch, 6, 15) == 4 + 3 * 10
    assert len(mail.outbox) == 15
