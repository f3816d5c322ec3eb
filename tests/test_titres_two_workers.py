"""A batch over two real worker processes (real Redis, two `celery worker --pool=solo`
processes, PostgreSQL): 20 titres in 4 chunks of 5, rendered, then e-mailed chunk by chunk; one
chunk task failing for real (its database connection cut) and retried; each PDF rendered once,
each e-mail sent once, both workers used.

The workers are processes of their own (`tests/titre_worker_process.py`): what they did is read
back from the files they write (their runs, the titres they rendered, their e-mails).
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from billing.services import titres
from ligeris import celery_app
from tests.conftest import ON_POSTGRES
from tests.test_celery_worker import (  # noqa: F401 (redis_url: the fixture)
    CELERY_KEYS,
    WORKER_CONF,
    _drop_celery_clients,
    _release_result_backend,
    redis_url,
)
from tests.titre_fixtures import issued, twenty_drafts
from titres.models import TitreBatchChunk, TitreDocument, TitreEmail

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="two processes share the test database on PostgreSQL only"
    ),
]

CHUNK = 5
WORKERS = ("w1", "w2")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _records(state: Path, pattern: str) -> list[dict]:
    return [
        {**json.loads(line), "file": path.name}
        for path in sorted(state.glob(pattern))
        for line in path.read_text().splitlines()
    ]


def _wait_until(condition, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the workers did not finish in time")
        time.sleep(0.2)


@pytest.fixture
def two_workers(transactional_db, redis_url, tmp_path):  # noqa: F811 (the fixture)
    """Two worker processes on the test database; their state folder."""
    saved = {key: celery_app.conf[key] for key in CELERY_KEYS}
    celery_app.conf.update(
        broker_url=redis_url, result_backend=redis_url, task_always_eager=False, **WORKER_CONF
    )
    _drop_celery_clients()
    (tmp_path / "mails").mkdir()
    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "LIGERIS_TITRE_CHUNK": str(CHUNK),
        "LIGERIS_VAR_DIR": str(tmp_path / "var"),
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.titre_worker_process", name, str(tmp_path)],
            cwd=django_settings.BASE_DIR,
            env=env,
        )
        for name in WORKERS
    ]
    try:
        deadline = time.monotonic() + 120
        while len(celery_app.control.ping(timeout=1)) < len(WORKERS):
            assert all(p.poll() is None for p in processes), "a worker process stopped"
            assert time.monotonic() < deadline, "the two workers did not answer"
        yield tmp_path
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        _release_result_backend()
        celery_app.conf.update(saved)
        _drop_celery_clients()


def test_a_batch_over_two_worker_processes_renders_each_pdf_once_and_mails_each_once(
    two_workers, world, billing_year, settings
):
    state = two_workers
    settings.LIGERIS_TITRE_CHUNK = CHUNK
    batch = titres.batch_issue(batch=twenty_drafts(world, billing_year))  # queued on commit

    def runs(task: str, status: str) -> list[dict]:
        return [
            r
            for r in _records(state, "runs-*.jsonl")
            if r["task"] == f"billing.tasks.{task}" and r["state"] == status
        ]

    _wait_until(lambda: runs("finish_batch", "SUCCESS"))

    ranges = [[batch.pk, 1, 5], [batch.pk, 6, 10], [batch.pk, 11, 15], [batch.pk, 16, 20]]
    done = runs("render_chunk", "SUCCESS")
    assert sorted(r["args"] for r in done) == ranges
    # One chunk's connection was cut under it: that task failed for real and was retried
    # alone (by either worker); the other chunks ran once.
    (cut,) = _records(state, "cut.jsonl")
    retried = runs("render_chunk", "RETRY")
    assert [r["args"][1:] for r in retried] == [cut["args"]]
    # The 4 chunks were spread over both processes.
    assert {r["file"] for r in done} == {f"runs-{name}.jsonl" for name in WORKERS}

    # Each PDF rendered once, across both processes, retry included.
    rendered = [pk for record in _records(state, "rendered-*.jsonl") for pk in record["pks"]]
    titres_ = issued(batch)
    assert sorted(rendered) == sorted(t.pk for t in titres_)
    assert sum(r["retval"]["rendered"] for r in done) == 20
    assert TitreDocument.objects.filter(titre__batch=batch).count() == 20
    assert TitreBatchChunk.objects.filter(batch=batch, done_at__isnull=False).count() == 4

    # Each e-mail sent once: the file backend's messages, one per titre, with its own PDF.
    mails = "".join(path.read_text() for path in (state / "mails").iterdir())
    attached = re.findall(r'filename="titre-([^"]+)\.pdf"', mails)
    assert sorted(attached) == sorted(t.reference for t in titres_)
    assert TitreEmail.objects.filter(titre__batch=batch, sent_at__isnull=False).count() == 20
    # By one e-mail task per chunk, once every chunk's PDFs were stored (documents first).
    mailed = runs("send_chunk", "SUCCESS")
    assert sorted(r["args"][1:] for r in mailed) == ranges
    assert sum(r["retval"]["sent"] for r in mailed) == 20
    assert all(r["retval"]["sent"] == 0 for r in done)
    (finished,) = runs("finish_batch", "SUCCESS")
    assert finished["retval"] == {"rendered": 20, "sent": 20}
