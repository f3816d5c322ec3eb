"""Two `celery beat` processes started by mistake (real Redis, a real worker): every periodic
task of the production schedule is queued by both, several times in the same period, and its
effects still happen once per period: one frequency reminder per body and month, one inbox
digest per user and week. Each task records what it did in the transaction that does it.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import signals
from django.conf import settings as django_settings

from governance.models import FrequencyAlert
from membership.models import InboxDigest
from partners.contact_changes import contact_change_reject
from tests.portal_fixtures import change_of
from tests.test_celery_worker import real_worker, redis_url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.celery_worker

BEATS = ("b1", "b2")
EVERY = 1.0  # seconds between two runs of a task, instead of a day or a week
RUNNING = 8  # seconds the two beats run side by side


def _sent(state: Path) -> dict[str, list[str]]:
    return {
        name: [
            json.loads(line)["task"]
            for line in (state / f"sent-{name}.jsonl").read_text().splitlines()
        ]
        for name in BEATS
        if (state / f"sent-{name}.jsonl").exists()
    }


@pytest.fixture
def ran():
    seen: list[str] = []

    def postrun(sender=None, state=None, **kwargs):
        seen.append((sender.name, state))

    signals.task_postrun.connect(postrun, weak=False)
    yield seen
    signals.task_postrun.disconnect(postrun)


@pytest.mark.slow
def test_two_beats_queue_each_task_many_times_and_it_acts_once_per_period(
    real_worker,  # noqa: F811
    redis_url,  # noqa: F811
    ran,
    mailoutbox,
    world,
    users,
    copil,
    tmp_path,
):
    # Due today (2 December or any day from October on, see governance.tasks): the COTECH
    # (minimum 3 a year) held one meeting this year. Something awaits each partner's user.
    for partner in (world.partner_a, world.partner_b):
        change = change_of(partner, kind="billing_email", email=f"f{partner.pk}@example.org")
        contact_change_reject(change=change, reason="Adresse inconnue.")
    mailoutbox.clear()

    env = {
        **os.environ,
        "DJANGO_ENV": "development",
        "CELERY_BROKER_URL": redis_url,
        "LIGERIS_VAR_DIR": str(tmp_path / "var"),
    }
    beats = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.beat_process", name, str(tmp_path), str(EVERY)],
            cwd=django_settings.BASE_DIR,
            env=env,
        )
        for name in BEATS
    ]
    try:
        deadline = time.monotonic() + 300
        # Both beats running: each has queued every task of the schedule at least twice.
        while not (
            len(sent := _sent(tmp_path)) == len(BEATS)
            and all(
                min(tasks.count(e["task"]) for e in django_settings.CELERY_BEAT_SCHEDULE.values())
                >= 2
                for tasks in sent.values()
            )
        ):
            assert all(b.poll() is None for b in beats), [b.returncode for b in beats]
            assert time.monotonic() < deadline, ("the beats did not queue their tasks", sent)
            time.sleep(0.5)
        time.sleep(RUNNING / 2)
    finally:
        for beat in beats:
            beat.send_signal(signal.SIGTERM)
        for beat in beats:
            try:
                beat.wait(timeout=30)
            except subprocess.TimeoutExpired:
                beat.kill()
                beat.wait()

    queued = [task for tasks in _sent(tmp_path).values() for task in tasks]
    deadline = time.monotonic() + 180
    while len([name for name, _state in ran if name in queued]) < len(queued):
        assert time.monotonic() < deadline, ("the worker did not run every task", queued, ran)
        time.sleep(0.2)
    assert {state for _name, state in ran} == {"SUCCESS"}, ran
    for entry in django_settings.CELERY_BEAT_SCHEDULE.values():
        assert queued.count(entry["task"]) >= 4, entry["task"]  # twice by each beat at least

    # Once per period: one reminder for the one body behind (to admin and secretary), one
    # digest for each partner user.
    reminders = [m for m in mailoutbox if "Comité technique" in m.subject]
    assert len(reminders) == 1, [(m.subject, m.to) for m in mailoutbox]
    assert sorted(reminders[0].to) == ["admin@example.org", "secretary@example.org"]
    assert FrequencyAlert.objects.filter(sent_at__isnull=False).count() == 1
    digests = sorted(m.to[0] for m in mailoutbox if "vous attend" in m.subject)
    assert digests == ["a@example.org", "b@example.org"], [(m.subject, m.to) for m in mailoutbox]
    # Any other e-mail (the consultation before the term, if due) went out once too.
    assert len({(m.subject, tuple(m.to)) for m in mailoutbox}) == len(mailoutbox)
    assert InboxDigest.objects.filter(sent_at__isnull=False).count() == 2
    print(f"\nbeats: {len(queued)} periodic tasks queued by 2 beats, {len(mailoutbox)} e-mails")
