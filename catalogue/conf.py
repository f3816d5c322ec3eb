"""The catalogue's settings, each with seed 004's value by default (override in settings)."""

import datetime

from django.conf import settings

#: The window, (month, day) to (month, day), in which the council votes the year's catalogue and
#: the annual titre is issued (seed 004: 1 January – 31 March).
VOTE_WINDOW = ((1, 1), (3, 31))
ISSUE_WINDOW = ((1, 1), (3, 31))
ARREARS, ADVANCE = "arrears", "advance"


def vote_window() -> tuple[tuple[int, int], tuple[int, int]]:
    return getattr(settings, "CATALOGUE_VOTE_WINDOW", VOTE_WINDOW)


def issue_window() -> tuple[tuple[int, int], tuple[int, int]]:
    return getattr(settings, "CATALOGUE_ISSUE_WINDOW", ISSUE_WINDOW)


def billing_timing() -> str:
    """In arrears on the past year's consumption (seed 004), or in advance on the current one."""
    return getattr(settings, "CATALOGUE_BILLING", ARREARS)


def in_window(day: datetime.date, window) -> bool:
    (m1, d1), (m2, d2) = window
    return datetime.date(day.year, m1, d1) <= day <= datetime.date(day.year, m2, d2)


def window_text(window) -> str:
    (m1, d1), (m2, d2) = window
    return f"{d1:02d}/{m1:02d} – {d2:02d}/{m2:02d}"
