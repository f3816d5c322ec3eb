"""Audit entries as people read them: oui/non, a dash for nothing, no technical fields."""

from auditlog.models import LogEntry
from django import template
from django.utils.translation import gettext as _

register = template.Library()

_HIDDEN_FIELDS = {"id", "ID"}


def _readable(value: str) -> str:
    # Empty reverse relations are rendered by auditlog as "app.Model.None".
    if value in ("None", "") or value.endswith(".None"):
        return "—"
    if value == "True":
        return _("oui")
    if value == "False":
        return _("non")
    return value


@register.filter
def audit_action(entry) -> str:
    labels = {
        LogEntry.Action.CREATE: _("création"),
        LogEntry.Action.UPDATE: _("modification"),
        LogEntry.Action.DELETE: _("suppression"),
    }
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
