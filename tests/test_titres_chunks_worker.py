"""A batch's chunks over real workers (real Redis, real Celery worker, no eager mode): 20
titres in 4 chunks of 5, two at a time on PostgreSQL, rendered, then e-mailed chunk by chunk;
one chunk's render fails once for real and is retried alone, and a chunk whose first e-mail
fails too; every PDF is rendered once and every e-mail sent once.

The chunk fails because its database connection is cut (`pg_terminate_backend`, from another
connection) as soon as the task opens it: what a database restart does to a worker. The first e-mail
fails once through the locmem backend of `test_titres_tasks` that raises OSError.
"""

import threading
import time

import pytest
from celery import signals, states
from django.db import connections
from django.db.backends.signals import connection_created

from billing.services import titres
from tests.conftest import ON_POSTGRES
from tests.test_celery_worker import _wait_until, real_worker, redis_url  # noqa: F401 (fixtures)
from tests.test_titres_tasks import FailingOnceBackend
from tests.titre_fixtures import issued, twenty_drafts
from titres import tasks, titre_selectors
from titres.models import TitreBatchChunk, TitreDocument, TitreEmail

pytestmark = pytest.mark.celery_worker


class Runs:
    """Every run of the batch's tasks seen by the worker: name, arguments, outcome, thread,
    start and end; on PostgreSQL, the first chunk's database connection is cut."""

    def __init__(self):
        self.runs: list[dict] = []
        self.started: dict[tuple, dict] = {}
        self.lock = threading.Lock()
        self.cut: list[tuple] = []
        self.to_cut = threading.local()

    def prerun(self, sender=None, task_id=None, args=None, **kwargs):
        run = {"task": sender.name, "args": tuple(args), "thread": threading.get_ident()}
        run["start"] = time.monotonic()
        with self.lock:
            self.started[task_id, run["thread"]] = run
            if ON_POSTGRES and sender.name == tasks.render_chunk.name and not self.cut:
                self.cut.append(run["args"])
                self.to_cut.args = run["args"]  # the connection its body opens, see below

    def connection_created(self, sender=None, connection=None, **kwargs):
        """The first connection opened by the first chunk's task (after Celery closed the
        worker's connections): terminated from another one before its first query."""
        if getattr(self.to_cut, "args", None) is None:
            return
        self.to_cut.args = None
        pid = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:  # waits up to 10 s for the backend to be gone
                cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
                assert cursor.fetchone() == (True,)
        finally:
            other.close()

    def postrun(self, sender=None, task_id=None, retval=None, state=None, **kwargs):
        with self.lock:
            run = self.started.pop((task_id, threading.get_ident()))
            self.runs.append({**run, "state": state, "retval": retval, "end": time.monotonic()})

    def of(self, task, state=None) -> list[dict]:
        with self.lock:
            return [
                r
                for r in self.runs
                if r["task"] == task.name and (state is None or r["state"] == state)
            ]


@pytest.fixture
def runs():
    seen = Runs()
    signals.task_prerun.connect(seen.prerun, weak=False)
    signals.task_postrun.connect(seen.postrun, weak=False)
    connection_created.connect(seen.connection_created, weak=False)
    yield seen
    signals.task_prerun.disconnect(seen.prerun)
    signals.task_postrun.disconnect(seen.postrun)
    connection_created.disconnect(seen.connection_created)


@pytest.fixture
def failing_once(settings):
    settings.EMAIL_BACKEND = "tests.test_titres_tasks.FailingOnceBackend"
    FailingOnceBackend.arm()
    yield
    FailingOnceBackend.armed = False


@pytest.mark.usefixtures("real_worker")
def test_a_batch_in_four_chunks_renders_each_pdf_once_and_mails_each_titre_once(
    runs, failing_once, mailoutbox, world, billing_year, settings, monkeypatch
):
    settings.LIGERIS_TITRE_CHUNK = 5
    rendered, render_titres = [], tasks.render_titres

    def recorded_render(titres_, **kwargs):
        rendered.extend(titre.pk for titre in titres_)  # list.extend: safe across threads
        # A chunk of 50 takes ~0.3 s, 5 titres far less: held as long, two renders meet.
        time.sleep(0.3)
        return render_titres(titres_, **kwargs)

    monkeypatch.setattr(tasks, "render_titres", recorded_render)
    batch = titres.batch_issue(batch=twenty_drafts(world, billing_year))  # queued on commit
    _wait_until(lambda: runs.of(tasks.finish_batch, states.SUCCESS))

    ranges = [(batch.pk, 1, 5), (batch.pk, 6, 10), (batch.pk, 11, 15), (batch.pk, 16, 20)]
    done = runs.of(tasks.render_chunk, states.SUCCESS)
    assert sorted(run["args"] for run in done) == ranges
    # Each PDF rendered once, over every run, failed ones included.
    assert sorted(rendered) == sorted(t.pk for t in issued(batch))
    retried = [run["args"] for run in runs.of(tasks.render_chunk, states.RETRY)]
    mailed = runs.of(tasks.send_chunk, states.SUCCESS)
    # Every chunk rendered before the first e-mail (two waves: documents first): each e-mail
    # task was queued with its chunk's render result, i.e. once every render had returned.
    assert [run["args"][0] for run in mailed] == [{"rendered": 5, "sent": 0}] * 4
    if ON_POSTGRES:
        # The chunk whose connection was cut, retried alone.
        assert len(runs.cut) == 1 and retried == runs.cut
        # Two chunks rendered at the same time, by two threads of the worker.
        assert len({run["thread"] for run in done}) == 2
        assert any(
            a["start"] < b["end"] and b["start"] < a["end"]
            for a in done
            for b in done
            if a is not b
        )
    else:
        assert retried == []  # one worker on SQLite's shared-cache test database, no cut
    assert sorted(run["retval"]["rendered"] for run in done) == [5, 5, 5, 5]
    assert all(run["retval"]["sent"] == 0 for run in done)
    # Then one e-mail task per chunk: the first send failed, the others of its chunk went,
    # and the retry of that chunk's task alone sent the one left.
    assert sorted(run["args"][1:] for run in mailed) == ranges
    assert len(runs.of(tasks.send_chunk, states.RETRY)) == 1
    assert sorted(run["retval"]["sent"] for run in mailed) == [1, 5, 5, 5]
    (finished,) = runs.of(tasks.finish_batch, states.SUCCESS)
    assert finished["retval"] == {"rendered": 20, "sent": 16}  # what the successful runs did

    documents = {d.titre_id: d for d in TitreDocument.objects.filter(titre__batch=batch)}
    titres_ = issued(batch)
    assert sorted(documents) == sorted(t.pk for t in titres_)
    assert sorted(m.attachments[0][0] for m in mailoutbox) == sorted(
        f"titre-{t.reference}.pdf" for t in titres_
    )
    by_name = {m.attachments[0][0]: m for m in mailoutbox}
    for titre in titres_:
        message = by_name[f"titre-{titre.reference}.pdf"]
        assert message.to == [titre.debtor.billing_email]
        assert message.attachments[0][1] == bytes(documents[titre.pk].pdf)
    assert TitreEmail.objects.filter(titre__batch=batch, sent_at__isnull=False).count() == 20

    progress = titre_selectors.batch_progress(batch)
    assert (progress.chunks, progress.chunks_done, progress.percent, progress.done) == (
        4,
        4,
        100,
        True,
    )
    assert TitreBatchChunk.objects.filter(batch=batch, done_at__isnull=False).count() == 4

    # Queued again: every chunk is done, every e-mail sent; nothing new.
    assert tasks.process_batch.delay(batch.pk).get(timeout=60) == {"rendered": 0, "sent": 0}
    assert len(mailoutbox) == 20
    assert TitreDocument.objects.filter(titre__batch=batch).count() == 20
