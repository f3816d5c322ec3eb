"""Amounts typed the French way, whatever the request's language.

A browser's `type=number` input is not safe for money: Chromium turns a typed "10,50" into 1050
in some locales. Every decimal field is therefore a text input with `inputmode="decimal"` (the
numeric keypad on a phone), read here: "1 234,56", "1234,56", "1234.56" and "1 234,56" with
no-break spaces all give 1234.56, and the value is shown back as "1 234,56".
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Spaces people (and spreadsheets) put between thousands: plain, no-break, narrow and thin.
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,]\d{3})+([.,]\d*)?$")


def parse_decimal(text: str) -> Decimal:
    """A decimal from "1 234,56", "1234.56" or "1.234,56"; ValidationError in French otherwise.

    With one kind of separator it is the decimal one ("10,50", "10.50"); with both, the last is
    ("1.234,56", "1,234.56"). Nothing is guessed beyond that: "1.234.567" without a decimal part
    is refused rather than read as a million.
    """
    compact = _SPACES.sub("", str(text))
    invalid = ValidationError(
        _("« %(value)s » n'est pas un montant : écrivez par exemple 1 234,56."),
        code="invalid",
        params={"value": text},
    )
    if _PLAIN.match(compact):
        number = compact.replace(",", ".")
    elif _GROUPED.match(compact) and "," in compact and "." in compact:
        decimal_mark = max(compact.rfind(","), compact.rfind("."))
        whole = re.sub(r"[.,]", "", compact[:decimal_mark])
        number = f"{whole}.{compact[decimal_mark + 1 :]}"
    else:
        raise invalid
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise invalid from None
    if not value.is_finite():
        raise invalid
    return value


def format_decimal(value: Decimal, places: int | None) -> str:
    """1234.5 → "1 234,50" (places given) or "1 234,5" (places None)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    sign, whole, _dot, fraction = ("-" if value < 0 else "", *f"{abs(value):f}".partition("."))
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


class DecimalInput(forms.TextInput):
    input_type = "text"

    def __init__(self, attrs=None, places: int | None = None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.places = places

    def format_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_decimal(Decimal(str(value)), self.places)
        return super().format_value(value)


class FrenchDecimalField(forms.DecimalField):
    """A DecimalField read and shown the French way (see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget = DecimalInput(attrs=self.widget.attrs, places=self.decimal_places)
        self.widget.attrs.pop("step", None)
        self.localize = False

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        return parse_decimal(str(value).strip())

    def widget_attrs(self, widget):
        # No `step`, `min` or `max`: they belong to number inputs, and the server checks bounds.
        return {
            key: value
            for key, value in super().widget_attrs(widget).items()
            if key not in ("step", "min", "max")
        }


class FrenchDecimalsMixin:
    """Every decimal field of the form becomes a FrenchDecimalField with the same bounds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in list(self.fields.items()):
            if isinstance(field, forms.DecimalField) and not isinstance(field, FrenchDecimalField):
                self.fields[name] = _french(field)


def _french(field: forms.DecimalField) -> FrenchDecimalField:
    french = FrenchDecimalField(
        max_value=field.max_value,
        min_value=field.min_value,
        max_digits=field.max_digits,
        decimal_places=field.decimal_places,
        required=field.required,
        label=field.label,
        initial=field.initial,
        help_text=field.help_text,
        disabled=field.disabled,
    )
    # Keep the model's own validators (bounds, DB limits) and messages.
    french.validators = list(field.validators)
    french.error_messages = {**french.error_messages, **field.error_messages}
    return french


class CheckedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows whose keys are checked before any query.

    Django checks each key with an exact lookup, which is safe with an out-of-range integer, but
    then fetches them with `pk__in`, which is not: "9223372036854775808" made a server error on
    SQLite and PostgreSQL. A key that is not a whole number in the database's range is refused as
    an unknown choice would be.
    """

    _LARGEST = 2**63 - 1

    def _check_values(self, value):
        for key in value:
            text = str(key).strip()
            if not (text.isascii() and text.isdigit()) or int(text) > self._LARGEST:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return super()._check_values(value)
