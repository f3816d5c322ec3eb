"""A real Celery worker in a process of its own that can be made to hang, for the fault tests
(`tests/test_celery_faults.py`): the test then kills it with SIGKILL at that very point.

Run as `python -m tests.fault_worker_process NAME STATE_DIR POOL` with DATABASE_URL (the test
database) and CELERY_BROKER_URL in its environment; POOL is `solo` (the worker is one process)
or `prefork` (one child process that runs the tasks). What it did is written to STATE_DIR:

- `runs-NAME.jsonl`: every run of a task that ended (name, arguments, final state);
- `mails/`: its e-mails, by Django's file-based backend;
- `hung-render.json` when `HANG_RENDER_AT=n` is set: its process rendering for the n-th time
  stops after the PDFs are laid out and before they are stored (holding the chunk's lock);
- `hung-mail.json` when `HANG_MAIL_AT=n` is set: its process about to write its n-th e-mail
  stops before writing it (holding that e-mail's record locked, its sending date not committed).

Each hang happens once across processes (an exclusive create), so the process that replaces a
killed one works normally. The file records the pid to kill.
"""

import json
import os
import sys
import time
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend as FileBackend

STATE = Path(os.environ.get("FAULT_STATE_DIR", "."))
COUNTS = {"render": 0, "mail": 0}


def _claim(path: Path) -> bool:
    """True for the first process that asks, across processes (an exclusive create)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _append(path: Path, record: dict) -> None:
    with path.open("a") as file:
        file.write(json.dumps(record) + "\n")


def maybe_hang(kind: str) -> None:
    """Stop here for ever (until killed) at this process's n-th `kind`, once across processes."""
    at = os.environ.get(f"HANG_{kind.upper()}_AT")
    if not at:
        return
    COUNTS[kind] += 1
    if COUNTS[kind] >= int(at) and _claim(STATE / f"hang-{kind}"):
        marker = STATE / f"hung-{kind}.json"
        marker.with_suffix(".tmp").write_text(json.dumps({"pid": os.getpid()}))
        marker.with_suffix(".tmp").rename(marker)
        while True:
            time.sleep(60)


class HangingFileBackend(FileBackend):
    """Django's file-based backend, which may hang before writing one message."""

    def write_message(self, message):
        maybe_hang("mail")
        super().write_message(message)


def main(name: str, state: Path, pool: str) -> None:
    os.environ["FAULT_STATE_DIR"] = str(state)
    global STATE
    STATE = state
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")
    import django

    django.setup()
    from celery import signals
    from django.conf import settings

    from ligeris import celery_app
    from titres import tasks

    settings.EMAIL_BACKEND = "tests.fault_worker_process.HangingFileBackend"
    settings.EMAIL_FILE_PATH = str(state / "mails")
    settings.LIGERIS_TITRE_CHUNK = int(os.environ["LIGERIS_TITRE_CHUNK"])

    render_titres = tasks.render_titres

    def render_then_maybe_hang(titres, **kwargs):
        pdfs = render_titres(titres, **kwargs)
        maybe_hang("render")
        return pdfs

    tasks.render_titres = render_then_maybe_hang

    def postrun(sender=None, args=None, retval=None, **kwargs):
        record = {"task": sender.name, "args": list(args), "state": kwargs.get("state")}
        if record["state"] == "SUCCESS":
            record["retval"] = retval
        _append(state / f"runs-{name}.jsonl", record)

    signals.task_postrun.connect(postrun, weak=False)
    celery_app.worker_main(
        [
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            f"--hostname={name}@%h",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ]
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), sys.argv[3])
