"""The fields of the attendance and vote sheets as HTML, without a widget template per field.

Django renders each widget through templates of its own (the select, then each option): the
4,000 fields of a sheet of 2,000 seats took 10 s to render. Written here, the same markup (name,
id, options, the value selected or typed, `required`, `aria-invalid`, the errors) takes
milliseconds. Only selects and text inputs, the sheets' two kinds of field.
"""

from dataclasses import dataclass

from django.forms import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(field: BoundField, extra: dict[str, str]) -> str:
    attrs = {"name": field.html_name, "id": field.auto_id, **extra}
    if field.field.required:
        attrs["required"] = ""
    if field.errors:
        attrs["aria-invalid"] = "true"
    return "".join(
        f' {key}="{escape(value)}"' if value != "" else f" {key}" for key, value in attrs.items()
    )


def _errors(field: BoundField) -> str:
    return str(field.errors) if field.errors else ""


def select(field: BoundField) -> SafeString:
    """A select of the field's choices, the field's value selected."""
    value = field.value()
    value = "" if value is None else str(value)
    options = "".join(
        f'<option value="{escape(key)}"{" selected" if str(key) == value else ""}>'
        f"{escape(label)}</option>"
        for key, label in field.field.choices
    )
    return mark_safe(f"<select{_attrs(field, {})}>{options}</select>{_errors(field)}")  # noqa: S308 (escaped above)


def text_input(field: BoundField) -> SafeString:
    """A text input with the field's value and its widget's attributes (a datalist, say)."""
    value = field.value()
    extra = {k: str(v) for k, v in field.field.widget.attrs.items()}
    if value not in (None, ""):
        extra["value"] = str(value)
    return mark_safe(f'<input type="text"{_attrs(field, extra)}>{_errors(field)}')  # noqa: S308 (escaped above)


def field_html(field: BoundField) -> SafeString:
    return select(field) if hasattr(field.field, "choices") else text_input(field)


@dataclass(frozen=True)
class SheetRow:
    """One row of a sheet: what it is about (a seat, a tenant's voter) and its two fields."""

    subject: object
    first: BoundField
    second: BoundField

    @property
    def first_html(self) -> SafeString:
        return field_html(self.first)

    @property
    def second_html(self) -> SafeString:
        return field_html(self.second)
