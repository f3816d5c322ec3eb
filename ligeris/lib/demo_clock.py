"""The demo's clock: each step of the demo year happens at its own date.

Runs, issues, e-mails and closings stamp `timezone.now()`; loading the demo at today's date would
make "calculée le 01/12/2026" back a titre of 20/01/2026. Each step runs with the clock moved to
the moment it tells of (time-machine; the clock ticks on from there).
"""

import contextlib
import datetime
import zoneinfo

import time_machine

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@contextlib.contextmanager
def at(moment: str | datetime.datetime):
    """Run the block as if it were `moment` ("2026-01-20 10:00", Paris time)."""
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment).replace(tzinfo=PARIS)
    with time_machine.travel(moment, tick=True):
        yield
