"""The invitation task through a real Redis broker and a real Celery worker: no eager mode, no mocks.

The worker runs in a thread of this process, so it shares Django's locmem `mail.outbox`, and
opens its own database connection: the data must be committed (`transactional_db`).
"""

import contextlib
import shutil
import socket
import subprocess
import time

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.db import connections

from accounts.services import user_create
from accounts.tasks import send_invitation
from ligeris import celery_app
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.celery_worker

CELERY_KEYS = ("broker_url", "result_backend", "task_always_eager")


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
    celery_app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
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
