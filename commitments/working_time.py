"""Working hours (Monday to Friday, 8:00 to 18:00, Europe/Paris) and French public holidays:
pure functions, no dependency (Easter by the Gregorian computus)."""

import datetime
import functools
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
OPENS, CLOSES = datetime.time(8, 0), datetime.time(18, 0)


def easter(year: int) -> datetime.date:
    """Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return datetime.date(year, month, day)


@functools.lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[datetime.date]:
    """The eleven French public holidays (Code du travail L3133-1), outside Alsace-Moselle."""
    sunday = easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [sunday + datetime.timedelta(days=n) for n in (1, 39, 50)]  # Monday, Ascension, Whit
    return frozenset([datetime.date(year, m, d) for m, d in fixed] + movable)


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_hours(start: datetime.datetime, hours: int) -> datetime.datetime:
    """The moment `hours` working hours after `start` (aware), counted on working days only,
    from 8:00 to 18:00 Paris time; a start outside those hours counts from the next opening."""
    local = start.astimezone(PARIS)
    day, moment = local.date(), local.time().replace(tzinfo=None)
    left = datetime.timedelta(hours=hours)
    while True:
        if is_working_day(day) and moment < CLOSES:
            begin = max(moment, OPENS)
            available = datetime.datetime.combine(day, CLOSES) - datetime.datetime.combine(
                day, begin
            )
            if left <= available:
                end = datetime.datetime.combine(day, begin) + left
                return end.replace(tzinfo=PARIS)
            left -= available
        day, moment = day + datetime.timedelta(days=1), datetime.time(0, 0)
