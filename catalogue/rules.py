"""What a year of a subscription costs: pure functions, Decimal to the cent.

Flat annual services are prorated by twelfths from the subscription's start (the first of the
month after the commissioning report) to the end of the month it ends; unit and volume
services are not prorated (seed 004)."""

import datetime
from decimal import Decimal

from catalogue import conf
from catalogue.models import ServiceKind
from titres.money import ZERO, round_money


def billed_year(issue_date: datetime.date, timing: str) -> int:
    """In arrears, the past year's consumption; in advance, the current year's."""
    return issue_date.year - 1 if timing == conf.ARREARS else issue_date.year


def twelfths(starts_on: datetime.date, ends_on: datetime.date | None, year: int) -> int:
    """Months of `year` from the start's month to the end's month, both included (0–12)."""
    first = max((starts_on.year, starts_on.month), (year, 1))
    last = min((ends_on.year, ends_on.month), (year, 12)) if ends_on else (year, 12)
    months = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    return max(months, 0)


def amount(kind: str, price: Decimal, quantity: Decimal, months: int) -> Decimal:
    """Multiply before dividing; nothing when the subscription ran no month of the year."""
    if months <= 0:
        return ZERO
    if kind == ServiceKind.FLAT:
        return round_money(price * quantity * months / 12)
    return round_money(price * quantity)


def french_number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def base_text(kind: str, unit: str, price: Decimal, quantity: Decimal, months: int) -> str:
    """The base of computation a titre line prints."""
    from django.utils.translation import gettext as _

    from titres.money import format_euros

    values = {
        "price": format_euros(price),
        "quantity": french_number(quantity),
        "unit": unit,
        "months": months,
    }
    if kind == ServiceKind.FLAT:
        return _("%(quantity)s × %(price)s par %(unit)s × %(months)s/12") % values
    return _("%(quantity)s %(unit)s × %(price)s") % values
