"""Audit entries for rows written in bulk, the same as django-auditlog's signals would leave.

`bulk_create()` sends no signal and a queryset `delete()` sends one per row (one INSERT each): a
sheet of 2,000 rows then costs thousands of queries. Services that write many rows at once do it
inside `auditlog_disabled()` and record the entries here in one `bulk_create()`, with the actor and
the request's address set as for a single save.
"""

from collections.abc import Iterable

from auditlog.cid import get_cid
from auditlog.context import disable_auditlog
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save

CREATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.DELETE

auditlog_disabled = disable_auditlog


def bulk_log(
    instances: Iterable[models.Model], action: int, *, additional_data: dict | None = None
) -> int:
    """Record the creation (after `bulk_create`) or deletion (before it) of these rows.

    `additional_data` stands for each row's `get_additional_data()` when the caller knows it
    (reading it from each row may cost a query per row).
    """
    entries, cid = [], get_cid()
    json_changes = settings.AUDITLOG_STORE_JSON_CHANGES
    for instance in instances:
        old, new = (None, instance) if action == CREATE else (instance, None)
        changes = model_instance_diff(old, new, use_json_for_changes=json_changes)
        if not changes:
            continue
        additional = additional_data
        if additional is None and callable(getattr(instance, "get_additional_data", None)):
            additional = instance.get_additional_data()
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(instance),
                object_pk=str(instance.pk),
                object_id=instance.pk if isinstance(instance.pk, int) else None,
                object_repr=str(instance),
                action=action,
                changes=changes,
                additional_data=additional,
                cid=cid,
            )
        )
    for entry in entries:
        # What a save() would do: auditlog's receiver (connected while a request or a task has
        # an actor) sets the actor and the remote address; nothing is read from the database.
        pre_save.send(
            sender=LogEntry, instance=entry, raw=False, using="default", update_fields=None
        )
    LogEntry.objects.bulk_create(entries)
    return len(entries)


def raw_delete(queryset: models.QuerySet) -> int:
    """One DELETE for rows already audited by `bulk_log` and that nothing references.

    A queryset's `delete()` fetches the rows and deletes them 100 at a time to send signals;
    the final-rows check it makes first is made here too.
    """
    model = queryset.model
    if hasattr(model, "refuse_delete"):
        model.refuse_delete(queryset)
    return queryset._raw_delete(queryset.db)
