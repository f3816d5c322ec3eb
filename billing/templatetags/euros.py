"""Amounts as people read them: `{{ amount|euros }}` gives 7 384,61 € (€7,384.61 in English)."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import get_language

from titres.money import format_euros, round_money

register = template.Library()


def euros_text(value) -> str:
    """An amount (Decimal, int or the string a run's inputs keep) in the reader's language."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    language = get_language() or "fr"
    if language.startswith("fr"):
        return format_euros(amount)
    amount = round_money(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}€{abs(amount):,.2f}"


register.filter("euros", euros_text)
