"""Tasks through a real Redis broker and a real Celery worker: no eager mode, no mocks.

The worker runs in a thread of this process, so it shares Django's locmem `mail.outbox`, and
opens its own database connection: the data must be committed (`transactional_db`).
"""

import contextlib
import gc
import shutil
import socket
import subprocess
import time

import pytest
from celery import signals
from celery.backends.redis import ResultConsumer
from celery.contrib.testing.worker import start_worker
from django.db import connections

from accounts.services import user_create
from accounts.tasks import send_invitation
from billing.services import titres
from ligeris import celery_app
from tests.conftest import ON_POSTGRES
from tests.titre_fixtures import issued, twenty_drafts
from titres.models import TitreDocument, TitreEmail
from titres.tasks import process_batch
from titres.titre_pdf import sha256

pytestmark = pytest.mark.celery_worker

CELERY_KEYS = (
    "broker_url",
    "result_backend",
    "result_backend_transport_options",
    "task_always_eager",
)
# An AsyncResult unsubscribes from Redis when it is garbage-collected. Collected after its
# module's Redis had stopped, it retried for 20 s, stalling whatever test the collector
# interrupted (a browser journey timed out so): after the test, one attempt only.
WORKER_CONF = {"result_backend_transport_options": {"retry_policy": {"max_retries": 0}}}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited early with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"redis-server did not listen on port {port} within {timeout}s")


def _release_result_backend() -> None:
    """Forget every result subscription while the test's Redis still answers.

    Each thread that queued a task (the test's, the worker pool's, the live server's) has a
    backend of its own; an AsyncResult left to the garbage collector then unsubscribes from
    nothing. Listing the objects, not collecting them: a collection here crashed CPython 3.11.
    """
    # type(), not isinstance(): that would evaluate lazy objects (a spent request's CSP nonce).
    for consumer in [o for o in gc.get_objects() if issubclass(type(o), ResultConsumer)]:
        with contextlib.suppress(Exception):
            consumer.stop()
        consumer._pubsub = None
        consumer.subscribed_to.clear()
        consumer._pending_unsubscribe.clear()


def _drop_celery_clients() -> None:
    """Forget the broker connection pool and result backend built for the previous settings."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    with contextlib.suppress(AttributeError):
        del celery_app._local.backend


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "!!! redis-server NOT FOUND on PATH: the real Celery worker test is SKIPPED !!!"
        )
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _close_worker_connections(**kwargs) -> None:
    """Runs in the worker's thread: its connections would otherwise outlive the test database."""
    connections.close_all()


@pytest.fixture
def real_worker(transactional_db, redis_url):
    saved = {key: celery_app.conf[key] for key in CELERY_KEYS}
    celery_app.conf.update(
        broker_url=redis_url, result_backend=redis_url, task_always_eager=False, **WORKER_CONF
    )
    _drop_celery_clients()
    signals.task_postrun.connect(_close_worker_connections, weak=False)
    try:
        with start_worker(
            celery_app,
            # Two tasks at once race for the row lock on PostgreSQL. SQLite's shared-cache test
            # database answers "database table is locked" to concurrent writers without waiting,
            # so there the duplicates are consumed one after the other.
            pool="threads" if ON_POSTGRES else "solo",
            concurrency=2 if ON_POSTGRES else 1,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        signals.task_postrun.disconnect(_close_worker_connections)
        _release_result_backend()
        celery_app.conf.update(saved)
        _drop_celery_clients()


def test_invitation_sent_once_by_a_real_worker(real_worker, mailoutbox):
    user = user_create(email="invite@example.org", role="finance")
    assert user.invitation_sent_at is None

    first = send_invitation.delay(user.pk)
    second = send_invitation.apply_async(args=[user.pk])
    results = [first.get(timeout=30), second.get(timeout=30)]

    assert sorted(results) == [False, True]
    sent = [message for message in mailoutbox if "invite@example.org" in message.to]
    assert len(sent) == 1
    assert "invitation" in sent[0].subject.lower()
    user.refresh_from_db()
    assert user.invitation_sent_at is not None


def test_convocation_sent_once_per_seat_by_a_real_worker(real_worker, mailoutbox, copil):
    """The same convocation queued twice: every seat holder gets exactly one e-mail."""
    from governance.tasks import send_convocation

    meeting = copil.meeting
    first = send_convocation.delay(meeting.pk)
    second = send_convocation.apply_async(args=[meeting.pk])
    results = [first.get(timeout=30), second.get(timeout=30)]

    seats = list(copil.body.seats.filter(is_active=True).select_related("person"))
    assert sum(results) == len(seats) == 3
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted(seat.person.email for seat in seats)
    assert all(m.attachments[0][2] == "text/calendar" for m in mailoutbox)
    meeting.refresh_from_db()
    assert meeting.convened_at is not None


def _wait_until(condition, timeout: float = 120) -> None:
    """Poll until `condition()` holds. Not the database: on SQLite's shared-cache test database
    a read while the worker writes is answered "database table is locked"."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not done within {timeout}s")
        time.sleep(0.2)


def test_titre_batch_rendered_and_mailed_once_by_a_real_worker(
    real_worker, mailoutbox, world, billing_year
):
    """Issuing 20 titres queues the batch's task on commit: 20 PDFs, 20 e-mails, then two more
    runs of the task add nothing."""
    batch = titres.batch_issue(batch=twenty_drafts(world, billing_year))
    _wait_until(lambda: len(mailoutbox) >= 20)
    # Run twice more: nothing new. Once they are done, so is the first run (one at a time on
    # SQLite; on PostgreSQL they wait for its row locks on each e-mail record).
    again = [process_batch.delay(batch.pk), process_batch.apply_async(args=[batch.pk])]
    assert [result.get(timeout=60) for result in again] == [{"rendered": 0, "sent": 0}] * 2

    titres_ = issued(batch)
    documents = {d.titre_id: d for d in TitreDocument.objects.filter(titre__batch=batch)}
    assert sorted(documents) == sorted(t.pk for t in titres_)
    for document in documents.values():
        assert document.sha256 == sha256(bytes(document.pdf))
    assert len(mailoutbox) == 20
    by_name = {message.attachments[0][0]: message for message in mailoutbox}
    for titre in titres_:
        message = by_name[f"titre-{titre.reference}.pdf"]
        assert message.to == [titre.debtor.billing_email]
        assert message.attachments[0][1:] == (
            bytes(documents[titre.pk].pdf),
            "application/pdf",
        )
    assert TitreEmail.objects.filter(titre__batch=batch, sent_at__isnull=False).count() == 20
    assert TitreEmail.objects.count() == 20


def test_titre_batch_tasks_racing_each_other_send_each_email_once(
    real_worker, mailoutbox, world, billing_year
):
    """Duplicates queued at once with the task of the issue (two at a time on PostgreSQL)."""
    batch = titres.batch_issue(batch=twenty_drafts(world, billing_year))
    racing = [process_batch.delay(batch.pk) for _ in range(2)]
    results = [result.get(timeout=120) for result in racing]
    # Each racing run went through every e-mail record, after the first run's lock on it.
    assert TitreEmail.objects.filter(titre__batch=batch, sent_at__isnull=False).count() == 20

    assert sum(result["sent"] for result in results) <= 20
    assert TitreDocument.objects.filter(titre__batch=batch).count() == 20
    assert sorted(m.attachments[0][0] for m in mailoutbox) == sorted(
        f"titre-{titre.reference}.pdf" for titre in issued(batch)
    )
