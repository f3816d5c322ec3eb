"""django-tables2 inspects the signature of a column's render method for every cell it renders
(`django_tables2.utils.call_with_appropriate`): on a page of 60 rows × 9 columns that was 40 %
of the table's CPU time (65 of 147 ms, Mes quotes-parts). A function's signature does not change:
it is worked out once per function here, the same answer, and a bound method's is its function's
without the first parameter (self), as `inspect.signature` gives it."""

import functools
from collections.abc import Callable

import django_tables2 as tables
from django.db import models
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.templatetags import l10n
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_tables2 import utils

_original = utils.signature


@functools.lru_cache(maxsize=2048)  # bounded: a lambda made per request is a new key
def _of_function(function: Callable) -> tuple[tuple[str, ...], str | None]:
    return _original(function)


def signature(fn: Callable) -> tuple[tuple[str, ...], str | None]:
    function = getattr(fn, "__func__", None)
    try:
        if function is None:
            return _of_function(fn)
        args, keywords = _of_function(function)
    except TypeError:  # an unhashable callable
        return _original(fn)
    return args[1:], keywords


def install() -> None:
    """Called once at start-up (partners' AppConfig.ready)."""
    utils.signature = signature
    # A model's DateField gets this DateColumn too (registered last, it is tried first): the
    # tenants list's three date columns compiled django-tables2's template 75 times a page.
    tables.columns.library.register(DateColumn)


class DateColumn(tables.DateColumn):
    """django-tables2's DateColumn, rendered without compiling its one-line template again for
    every cell (25 compilations a page of decisions): same text, same export value."""

    def __init__(self, format=None, short=True, *args, **kwargs):
        self.date_format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
        super().__init__(format, short, *args, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value, bound_column=None, **kwargs):
        # No date: the table's default ("—"), as the template's `|default:default` gave.
        default = bound_column.default if bound_column is not None else self.default
        return date_filter(template_localtime(value), self.date_format) or default


#: A table whose rows `rows_html` writes: `Meta.template_name = ROWS_IN_PYTHON`.
ROWS_IN_PYTHON = "includes/table_rows_in_python.html"


def _computed(attrs) -> bool:
    return any(
        callable(value) or (isinstance(value, dict) and _computed(value))
        for value in attrs.values()
    )


def _td_html(column) -> str | None:
    """A column's `<td>` attributes, once a table when none is computed from the row."""
    merged = {**column._table.attrs, **column.column.attrs}
    return (
        None
        if _computed(merged.get("td", merged.get("cell", {})))
        else column.attrs["td"].as_html()
    )


def rows_html(table, context) -> str:
    """A page's `<tr>`s as django-tables2's `table.html` writes them (the same cells, attributes
    and escaping, whitespace aside), without its template loop: on 25 rows × 9 columns the loop
    and its `column.attrs.td.as_html`, recomputed for every cell, were most of the list's CPU."""
    columns = list(table.columns)
    td = {column.name: _td_html(column) for column in columns}
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column, cell in row.items():
            attrs = td[column.name]
            if attrs is None:
                attrs = column.attrs["td"].as_html()
            if column.localize is not None:
                cell = (l10n.localize if column.localize else l10n.unlocalize)(cell)
            cells.append(f"<td {attrs}>{render_value_in_context(cell, context)}</td>")
        rows.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    if not rows and table.empty_text:
        empty = render_value_in_context(table.empty_text, context)
        rows.append(f'<tr><td colspan="{len(columns)}">{empty}</td></tr>')
    return mark_safe("".join(rows))  # noqa: S308 - every part escaped as the template does
