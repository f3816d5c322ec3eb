"""`{% table_rows %}`: the rows of the table in context, written by `ligeris.lib.tables`."""

from django import template

from ligeris.lib.tables import rows_html

register = template.Library()


@register.simple_tag(takes_context=True)
def table_rows(context) -> str:
    return rows_html(context["table"], context)
