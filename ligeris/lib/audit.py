"""Audit entries for rows written in bulk, the same as django-auditlog's signals would leave.

`bulk_create()` and `bulk_update()` send no signal and a queryset `delete()` sends one per row (one
INSERT each): a sheet of 2,000 rows or a batch of 3,000 titres would cost thousands of queries.
Services that write many audited rows at once record the entries here in one `bulk_create()`: the
same changes (auditlog's own diff), the same actor and request data (auditlog's `pre_save`
receiver on the entry, sent by hand).
"""

from collections.abc import Iterable

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled as _logging_disabled
from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE

#: Signals off while rows are written or deleted in bulk; their entries are then written here.
auditlog_disabled = disable_auditlog


def _entry(action: int, old, new, *, fields=None, additional_data=None) -> LogEntry | None:
    row = new if new is not None else old
    # The row's own columns, or those written (as auditlog does for save(update_fields=...)):
    # auditlog would also read each reverse one-to-one of a row, a query each.
    names = fields or [f.name for f in row._meta.concrete_fields]
    columns = {n for f in row._meta.concrete_fields if f.name in names for n in (f.name, f.attname)}
    changes = model_instance_diff(
        old,
        new,
        fields_to_check=columns,
        use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
    )
    if not changes:
        return None
    if additional_data is None and callable(getattr(row, "get_additional_data", None)):
        additional_data = row.get_additional_data()
    return LogEntry(
        content_type=ContentType.objects.get_for_model(row),
        object_pk=smart_str(row.pk),
        object_id=row.pk if isinstance(row.pk, int) else None,
        object_repr=smart_str(row),
        serialized_data=get_logentry_model().objects._get_serialized_data_or_none(row),
        action=action,
        changes=changes,
        additional_data=additional_data,
        cid=get_cid(),
    )


def _write(entries: list[LogEntry]) -> int:
    for entry in entries:
        # What a save() would do: auditlog's receiver (connected while a request or a task has
        # an actor) sets the actor and the remote address; nothing is read from the database.
        pre_save.send(
            sender=LogEntry, instance=entry, raw=False, using="default", update_fields=None
        )
    LogEntry.objects.bulk_create(entries)
    return len(entries)


def bulk_log(
    instances: Iterable[models.Model], action: int, *, additional_data: dict | None = None
) -> int:
    """Record the creation (after `bulk_create`) or deletion (before it) of these rows, even
    inside `auditlog_disabled()` (which silences the signals, not this).

    `additional_data` stands for each row's `get_additional_data()` when the caller knows it
    (reading it from each row may cost a query per row).
    """
    entries = []
    for instance in instances:
        old, new = (None, instance) if action == CREATE else (instance, None)
        entry = _entry(action, old, new, additional_data=additional_data)
        if entry is not None:
            entries.append(entry)
    return _write(entries)


def _log(action: int, pairs, fields=None) -> None:
    if _logging_disabled.get():
        return
    entries = [
        entry
        for old, new in pairs
        if auditlog.contains(type(new))
        and (entry := _entry(action, old, new, fields=fields)) is not None
    ]
    _write(entries)


def log_created(objs) -> None:
    """Log rows of registered models just written by `bulk_create()` (with their keys), unless
    auditing is off."""
    _log(CREATE, ((None, obj) for obj in objs))


def log_updated(pairs, fields: list[str]) -> None:
    """Log rows just written in bulk: (the row as it was, the row as written), the fields
    written (the others are unchanged: the same entries as a full save's)."""
    _log(UPDATE, pairs, fields)


def raw_delete(queryset: models.QuerySet) -> int:
    """One DELETE for rows already audited by `bulk_log` and that nothing references.

    A queryset's `delete()` fetches the rows and deletes them 100 at a time to send signals;
    the final-rows check it makes first is made here too.
    """
    model = queryset.model
    if hasattr(model, "refuse_delete"):
        model.refuse_delete(queryset)
    return queryset._raw_delete(queryset.db)
