"""Audit entries as people read them: oui/non, a dash for nothing, no technical fields."""

from collections import defaultdict

from auditlog.models import LogEntry
from django import template
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
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


def _fk_fields(model, entry: LogEntry):
    for name, values in (entry.changes_dict or {}).items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.ForeignKey):
            yield field, values


def _pk(field, value):
    try:
        return field.related_model._meta.pk.to_python(value)
    except ValidationError:
        return None


def _rows(model, pks: set) -> dict:
    """The rows by pk, with their direct non-null foreign keys (what a str() usually names).

    Not `select_related()` without names: its joins to every depth gave PostgreSQL, on tables
    just filled, a plan that ran for minutes.
    """
    direct = [
        f.name for f in model._meta.fields if f.many_to_one and not f.null and f.related_model
    ]
    rows = model._base_manager.select_related(*direct).filter(pk__in=pks)
    return {row.pk: row for row in rows}


@register.simple_tag
def audit_rows(entries) -> list[tuple[LogEntry, list[tuple[str, str, str]]]]:
    """Each entry with its changes, in a fixed number of queries for the whole page.

    auditlog shows a foreign key by reading its row (and that row's own str() may read more):
    a query or three per entry. Here the rows named by all entries are read once per model,
    with their direct foreign keys, and each entry looks them up.
    """
    entries = list(entries)
    wanted: dict[type, set] = defaultdict(set)
    for entry in entries:
        # The cached content type, not a query per entry.
        entry.content_type = ContentType.objects.get_for_id(entry.content_type_id)
        model = entry.content_type.model_class()
        if model is None:
            continue
        for field, values in _fk_fields(model, entry):
            wanted[field.related_model].update(
                pk for v in values if v != "None" and (pk := _pk(field, str(v))) is not None
            )
    found = {model: _rows(model, pks) for model, pks in wanted.items()}

    def show(field, value) -> str:
        if value == "None":
            return value
        pk = _pk(field, value)
        if pk is None:  # not a key (auditlog's "app.Model.None" of a reverse relation)
            return value
        row = found.get(field.related_model, {}).get(pk)
        if row is None:
            return f"Deleted '{field.related_model.__name__}' ({value})"
        return str(row)

    rows = []
    for entry in entries:
        entry._get_changes_display_for_fk_field = show
        rows.append((entry, audit_changes(entry)))
    return rows
