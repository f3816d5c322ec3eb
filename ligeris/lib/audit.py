"""The audit trail of rows written in bulk: the entries django-auditlog writes on save(), in one
INSERT.

`bulk_create()` and `bulk_update()` send no signal, so auditlog logs nothing for them. A service
that writes many audited rows at once logs them here: the same changes (auditlog's own diff),
the same actor and request data (auditlog's `pre_save` receiver on the entry, sent by hand),
one statement for all.
"""

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save
from django.utils.encoding import smart_str


def _entry(action: int, old: models.Model | None, new: models.Model, fields=None):
    LogEntry = get_logentry_model()
    # The row's own columns, or those written (as auditlog does for save(update_fields=...)):
    # auditlog would also read each reverse one-to-one of a new row, a query each.
    fields = fields or [f.name for f in new._meta.concrete_fields]
    columns = {
        name for f in new._meta.concrete_fields if f.name in fields for name in (f.name, f.attname)
    }
    changes = model_instance_diff(
        old,
        new,
        fields_to_check=columns,
        use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES,
    )
    if not changes:
        return None
    entry = LogEntry(
        content_type=ContentType.objects.get_for_model(new),
        object_pk=smart_str(new.pk),
        object_id=new.pk if isinstance(new.pk, int) else None,
        object_repr=smart_str(new),
        serialized_data=LogEntry.objects._get_serialized_data_or_none(new),
        action=action,
        changes=changes,
        cid=get_cid(),
    )
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using=None, update_fields=None)
    return entry


def _log(action: int, pairs, fields=None) -> None:
    if auditlog_disabled.get():
        return
    entries = [
        entry
        for old, new in pairs
        if auditlog.contains(type(new)) and (entry := _entry(action, old, new, fields)) is not None
    ]
    get_logentry_model().objects.bulk_create(entries)


def log_created(objs) -> None:
    """Log rows just written by `bulk_create()` (with their primary keys)."""
    _log(get_logentry_model().Action.CREATE, ((None, obj) for obj in objs))


def log_updated(pairs, fields: list[str]) -> None:
    """Log rows just written in bulk: (the row as it was, the row as written), the fields
    written (the others are unchanged: the same entries as a full save's)."""
    _log(get_logentry_model().Action.UPDATE, pairs, fields)
