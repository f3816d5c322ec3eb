"""Audit entries as people read them: oui/non, a dash for nothing, no technical fields."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()

_HIDDEN_FIELDS = {"id", "ID"}


def _readable(value: str) -> str:
    if value in ("None", "", None) or str(value).endswith(".None"):
        return "—"
    if value == "True":
        return _("oui")
    if value == "False":
        return _("non")
    return value


@register.filter
def audit_action(entry) -> str:
    labels = {0: _("création"), 1: _("modification"), 2: _("suppression")}
    return labels.get(entry.action, entry.get_action_display())


@register.filter
def audit_changes(entry) -> list[tuple[str, str, str]]:
    rows = []
    for field, values in entry.changes_display_dict.items():
        if field in _HIDDEN_FIELDS:
            continue
        old, new = (_readable(str(v)) for v in values)
        if old == new:
            continue
        rows.append((field, old, new))
    return rows
