"""A real Celery worker in a process of its own, for `test_titres_two_workers.py`.

Run as `python -m tests.titre_worker_process NAME STATE_DIR` with DATABASE_URL (the test
database) and CELERY_BROKER_URL in its environment. One process, `--pool=solo`: two of these
are two workers. What it did is written to STATE_DIR, since the test cannot see its memory:

- `runs-NAME.jsonl`: every run of a task (name, arguments, final state);
- `rendered-NAME.jsonl`: the titres of every `render_titres` call, i.e. each PDF rendered;
- `mails/`: its e-mails, by Django's file-based backend;
- `cut`: created by the one worker that cuts its database connection under the first chunk
  it takes (what a database restart does): that chunk fails for real and is retried.
"""

import json
import os
import sys
from pathlib import Path


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


def main(name: str, state: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")
    import django

    django.setup()
    from celery import signals
    from django.conf import settings
    from django.db import connection, connections

    from ligeris import celery_app
    from titres import tasks

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(state / "mails")
    settings.LIGERIS_TITRE_CHUNK = int(os.environ["LIGERIS_TITRE_CHUNK"])

    render_titres, render_pdfs = tasks.render_titres, tasks.render_pdfs

    def recorded_render(titres, **kwargs):
        _append(state / f"rendered-{name}.jsonl", {"pks": [titre.pk for titre in titres]})
        return render_titres(titres, **kwargs)

    def render_pdfs_cut_once(batch_id, first_number, last_number):
        if _claim(state / "cut"):
            connection.ensure_connection()
            pid = connection.connection.info.backend_pid
            other = connections.create_connection("default")
            try:
                with other.cursor() as cursor:  # waits up to 10 s for the backend to be gone
                    cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
            finally:
                other.close()
            _append(state / "cut.jsonl", {"worker": name, "args": [first_number, last_number]})
        return render_pdfs(batch_id, first_number, last_number)

    tasks.render_titres = recorded_render
    tasks.render_pdfs = render_pdfs_cut_once

    def postrun(sender=None, args=None, retval=None, **kwargs):
        record = {"task": sender.name, "args": list(args), "state": kwargs.get("state")}
        if record["state"] == "SUCCESS":
            record["retval"] = retval
        _append(state / f"runs-{name}.jsonl", record)

    signals.task_postrun.connect(postrun, weak=False)
    celery_app.worker_main(
        [
            "worker",
            "--pool=solo",
            f"--hostname={name}@%h",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ]
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
