"""A batch of 100 titres through real faults (real Redis, real worker processes, PostgreSQL):
a pool child killed with SIGKILL after laying out its PDFs and before storing them, Redis
stopped and started again on the same port, then a whole worker killed with SIGKILL while it
sends an e-mail. After recovery each titre has one PDF stored (its SHA-256 that of the e-mailed
one) and got exactly one e-mail. A rolled-back transaction queues no task.

The workers are processes of their own (`tests/fault_worker_process.py`); they stop at the
chosen points and the test kills them there, so the kills land where they hurt, every time.
Slow: one batch goes through all three faults.
"""

import email
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, transaction

from billing.services import titres
from ligeris import celery_app
from tests.conftest import ON_POSTGRES
from tests.test_celery_worker import CELERY_KEYS, _drop_celery_clients, _free_port, _wait_for_port
from tests.titre_fixtures import ISSUE_DATE, add_paying_partners, issued, settings_for
from titres.models import RevenueTitle, TitreBatchChunk, TitreDocument, TitreEmail

pytestmark = pytest.mark.celery_worker
ON_POSTGRES_ONLY = pytest.mark.skipif(
    not ON_POSTGRES, reason="worker processes share the test database on PostgreSQL only"
)

TITRES = 100
CHUNK = 10
#: Short for the test: a task of a killed worker goes to another after 8 s (900 s in settings).
VISIBILITY = 8


class RedisServer:
    """A redis-server that writes every change to its append-only file, stopped and started
    again on the same port and directory (what a restart of the service does)."""

    def __init__(self, directory: Path):
        self.binary = shutil.which("redis-server")
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("!!! redis-server NOT FOUND on PATH: the Celery fault tests are SKIPPED !!!")
    (tmp_path / "redis").mkdir()
    server = RedisServer(tmp_path / "redis")
    server.start()
    saved = {key: celery_app.conf[key] for key in CELERY_KEYS}
    celery_app.conf.update(
        broker_url=server.url, result_backend=server.url, task_always_eager=False
    )
    _drop_celery_clients()
    try:
        yield server
    finally:
        celery_app.conf.update(saved)
        _drop_celery_clients()
        server.stop()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Workers:
    """Worker processes on the test database, started and killed by name."""

    def __init__(self, state: Path, broker: str):
        self.state = state
        self.env = {
            **os.environ,
            "DJANGO_ENV": "development",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": broker,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "LIGERIS_TITRE_CHUNK": str(CHUNK),
            "LIGERIS_VAR_DIR": str(state / "var"),
        }
        self.processes: dict[str, subprocess.Popen] = {}

    def spawn(self, name: str, pool: str = "solo", **hangs: int) -> None:
        env = {**self.env, **{f"HANG_{kind.upper()}_AT": str(n) for kind, n in hangs.items()}}
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", "tests.fault_worker_process", name, str(self.state), pool],
            cwd=django_settings.BASE_DIR,
            env=env,
        )

    def wait_ready(self, *names: str) -> None:
        deadline = time.monotonic() + 300
        while True:
            answered = {key.split("@")[0] for r in celery_app.control.ping(timeout=1) for key in r}
            if answered >= set(names):
                return
            for name in names:
                assert self.processes[name].poll() is None, f"worker {name} stopped"
            assert time.monotonic() < deadline, f"workers {set(names) - answered} did not answer"

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def workers(transactional_db, redis_server, tmp_path):
    (tmp_path / "mails").mkdir()
    started = Workers(tmp_path, redis_server.url)
    try:
        yield started
    finally:
        started.stop_all()


def _wait_until(condition, what: str, timeout: float = 240):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.2)
    return value


def _hung(state: Path, kind: str) -> int | None:
    marker = state / f"hung-{kind}.json"
    return json.loads(marker.read_text())["pid"] if marker.exists() else None


def _mailed_pdfs(mails: Path) -> list[tuple[str, str]]:
    """(attachment name, SHA-256 of its bytes) of every e-mail written by the workers."""
    found = []
    separator = "\n" + "-" * 79 + "\n"
    for path in sorted(mails.iterdir()):
        for raw in path.read_text().split(separator):
            if not raw.strip():
                continue
            for part in email.message_from_string(raw.lstrip("\n")).walk():
                if part.get_filename():
                    data = part.get_payload(decode=True)
                    found.append((part.get_filename(), hashlib.sha256(data).hexdigest()))
    return found


def hundred_drafts(world, year):
    from billing.models import RunKind
    from billing.services import runs

    add_paying_partners(world, TITRES - 4)
    settings_for(world)
    run = runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.BUDGET)
    batch, skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    assert skipped == [] and batch.titres.count() == TITRES
    return batch


def _sent() -> int:
    return TitreEmail.objects.filter(sent_at__isnull=False).count()


@pytest.mark.slow
@pytest.mark.postgres
@ON_POSTGRES_ONLY
def test_a_batch_survives_killed_workers_and_a_redis_restart_exactly(
    workers, redis_server, world, billing_year
):
    state = workers.state
    # w1: a prefork worker whose child hangs after laying out its 2nd chunk's PDFs; w2: a solo
    # worker (one process) that hangs before writing its 3rd e-mail.
    workers.spawn("w1", pool="prefork", render=2)
    workers.spawn("w2", mail=3)
    drafts = hundred_drafts(world, billing_year)
    workers.wait_ready("w1", "w2")
    batch = titres.batch_issue(batch=drafts)  # queued on commit

    # 1. The child of w1 killed with its PDFs laid out, not stored: with
    # task_reject_on_worker_lost its task goes back to the queue at once, w1 forks a new child.
    child = _wait_until(lambda: _hung(state, "render"), "w1's child laid out its 2nd chunk")
    stored_before = TitreDocument.objects.count()
    os.kill(child, signal.SIGKILL)
    assert workers.processes["w1"].poll() is None  # the worker itself lives on

    # 2. Redis stopped and started again on its port, the batch just begun.
    sent_at_restart = _sent()
    assert sent_at_restart < TITRES, "the batch ended before the restart: nothing was tested"
    redis_server.stop()
    time.sleep(2)
    redis_server.start()

    # 3. w2 killed as a whole in the middle of an e-mail (its record locked, its date not
    # committed): Redis hands its unacknowledged task to another worker after the visibility
    # timeout. w3 starts in its place.
    _wait_until(lambda: _hung(state, "mail"), "w2 about to write its 3rd e-mail")
    os.kill(workers.processes["w2"].pid, signal.SIGKILL)
    workers.processes["w2"].wait()
    workers.spawn("w3")

    _wait_until(lambda: _sent() == TITRES, "every titre e-mailed after the faults")
    _wait_until(
        lambda: TitreBatchChunk.objects.filter(batch=batch, done_at__isnull=True).count() == 0,
        "every chunk done",
    )
    finished = _wait_until(
        lambda: [
            r
            for path in state.glob("runs-*.jsonl")
            for r in map(json.loads, path.read_text().splitlines())
            # Its registered name, kept when the task moved to titres.tasks.
            if r["task"] == "billing.tasks.finish_batch" and r["state"] == "SUCCESS"
        ],
        "the batch's last task",
    )
    time.sleep(VISIBILITY + 2)  # long enough for any task redelivered late to have run

    # Each titre: one PDF stored, whose SHA-256 is that of its bytes and of the e-mailed one.
    titres_ = issued(batch)
    assert len(titres_) == TITRES
    documents = {d.titre_id: d for d in TitreDocument.objects.filter(titre__batch=batch)}
    assert sorted(documents) == sorted(t.pk for t in titres_)
    for document in documents.values():
        assert document.sha256 == hashlib.sha256(bytes(document.pdf)).hexdigest()
    # Each titre got exactly one e-mail, with its stored PDF.
    mailed = _mailed_pdfs(state / "mails")
    by_reference = {f"titre-{t.reference}.pdf": documents[t.pk].sha256 for t in titres_}
    assert sorted(name for name, _ in mailed) == sorted(by_reference)
    assert all(by_reference[name] == digest for name, digest in mailed)
    assert TitreEmail.objects.filter(titre__batch=batch).count() == TITRES
    assert _sent() == TITRES
    print(
        f"\nfaults: {stored_before} PDFs stored at the child's kill, {sent_at_restart} e-mails"
        f" sent at the Redis restart, {len(finished)} finish_batch run(s),"
        f" {len(mailed)} e-mails for {TITRES} titres"
    )


def _queued(server: RedisServer) -> int:
    return redis.Redis.from_url(server.url).llen("celery")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_issue_queues_no_task_and_a_committed_one_queues_one(
    redis_server, world, billing_year
):
    """No worker: what is queued stays in Redis to be counted."""
    drafts = hundred_drafts(world, billing_year)
    with pytest.raises(RuntimeError), transaction.atomic():
        titres.batch_issue(batch=drafts)
        assert RevenueTitle.objects.filter(batch=drafts, state="issued").count() == TITRES
        raise RuntimeError("rolled back after the issue")
    assert RevenueTitle.objects.filter(batch=drafts, state="issued").count() == 0
    assert _queued(redis_server) == 0

    titres.batch_issue(batch=drafts)
    assert _queued(redis_server) == 1
