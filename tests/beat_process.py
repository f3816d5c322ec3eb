"""A real `celery beat` in a process of its own, for `tests/test_celery_beat_twice.py`.

Run as `python -m tests.beat_process NAME STATE_DIR SECONDS` with CELERY_BROKER_URL in its
environment: the production schedule (`CELERY_BEAT_SCHEDULE`), every task of it due every
SECONDS instead of daily or weekly. Each task it queues is written to `sent-NAME.jsonl`.
"""

import json
import os
import sys
from pathlib import Path


def main(name: str, state: Path, every: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")
    import django

    django.setup()
    from celery import signals
    from django.conf import settings

    from ligeris import celery_app

    celery_app.conf.beat_schedule = {
        key: {**entry, "schedule": every} for key, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }

    def sent(sender=None, **kwargs):
        with (state / f"sent-{name}.jsonl").open("a") as file:
            file.write(json.dumps({"task": sender}) + "\n")

    signals.before_task_publish.connect(sent, weak=False)
    celery_app.start(
        ["beat", f"--schedule={state / f'beat-{name}'}", "--loglevel=WARNING", "--pidfile="]
    )


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]))
