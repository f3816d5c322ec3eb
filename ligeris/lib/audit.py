"""Audit entries for rows written in bulk, the same as django-auditlog's signals would leave.

`bulk_create()` and `bulk_update()` send no signal and a queryset `delete()` sends one per row (one
INSERT each): a sheet of 2,000 rows or a batch of 3,000 titres would cost thousands of queries.
Services that write many audited rows at once record the entries here in one `bulk_create()`: the
same changes (auditlog's own diff), the same actor and request data (auditlog's `pre_save`
receiver on the entry, sent by hand).
"""

import json
from collections.abc import Iterable

from auditlog import get_logentry_model
from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled as _logging_disabled
from auditlog.context import disable_auditlog
from auditlog.diff import get_field_value, get_mask_function, is_primitive, track_field
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models
from django.db.models import ForeignKey
from django.db.models.signals import pre_save
from django.utils import timezone
from django.utils.encoding import smart_str

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE

#: Signals off while rows are written or deleted in bulk; their entries are then written here.
auditlog_disabled = disable_auditlog


class _Plan:
    """What auditlog's diff works out anew for each row, worked out once per model and fields:
    the fields it compares (`model_instance_diff`'s own selection), the content type, whether the
    entry keeps the serialized row. Each row then costs only the values of its fields."""

    def __init__(self, model, names):
        registered = auditlog.get_model_fields(model)
        concrete = model._meta.concrete_fields
        wanted = names or [f.name for f in concrete]
        columns = {n for f in concrete if f.name in wanted for n in (f.name, f.attname)}
        fields = [
            f
            for f in model._meta.get_fields()
            if track_field(f)
            and ((isinstance(f, ForeignKey) and f.attname in columns) or f.name in columns)
        ]
        if registered["include_fields"]:
            fields = [f for f in fields if f.name in registered["include_fields"]]
        fields = [f for f in fields if f.name not in registered["exclude_fields"]]
        self.fields = fields
        self.masked = set(registered["mask_fields"])
        self.mask = get_mask_function(registered.get("mask_callable")) if self.masked else None
        self.content_type = ContentType.objects.get_for_model(model)
        self.serialize = auditlog.get_serialize_options(model)["serialize_data"]
        self.absent: list | None = None

    def changes(self, old, new) -> dict | None:
        """`model_instance_diff(old, new)` for these fields, as auditlog stores it."""
        as_json = settings.AUDITLOG_STORE_JSON_CHANGES
        if self.absent is None and (old is None or new is None):
            # A field's value on no row is the same for every row: worked out once (a batch
            # of 3,000 titres made 63,000 such calls).
            self.absent = [get_field_value(None, field, as_json) for field in self.fields]
        diff = {}
        for index, field in enumerate(self.fields):
            before = self.absent[index] if old is None else get_field_value(old, field, as_json)
            after = self.absent[index] if new is None else get_field_value(new, field, as_json)
            if before == after:
                continue
            if field.name in self.masked:
                diff[field.name] = (self.mask(smart_str(before)), self.mask(smart_str(after)))
            elif not as_json:
                diff[field.name] = (smart_str(before), smart_str(after))
            else:
                diff[field.name] = tuple(
                    v if is_primitive(v) else smart_str(v) for v in (before, after)
                )
        return diff or None


def _entry(action: int, old, new, *, plan: _Plan, additional_data=None) -> LogEntry | None:
    row = new if new is not None else old
    changes = plan.changes(old, new)
    if not changes:
        return None
    if additional_data is None and callable(getattr(row, "get_additional_data", None)):
        additional_data = row.get_additional_data()
    return LogEntry(
        content_type=plan.content_type,
        object_pk=smart_str(row.pk),
        object_id=row.pk if isinstance(row.pk, int) else None,
        object_repr=smart_str(row),
        serialized_data=(
            get_logentry_model().objects._get_serialized_data_or_none(row)
            if plan.serialize
            else None
        ),
        action=action,
        changes=changes,
        additional_data=additional_data,
        cid=get_cid(),
    )


def _plans(fields=None):
    plans: dict[type, _Plan] = {}

    def plan_of(row) -> _Plan:
        model = type(row)
        if model not in plans:
            plans[model] = _Plan(model, fields)
        return plans[model]

    return plan_of


def _write(entries: list[LogEntry]) -> int:
    for entry in entries:
        # What a save() would do: auditlog's receiver (connected while a request or a task has
        # an actor) sets the actor and the remote address; nothing is read from the database.
        pre_save.send(
            sender=LogEntry, instance=entry, raw=False, using="default", update_fields=None
        )
    LogEntry.objects.bulk_create(entries)
    return len(entries)


class _Values:
    """A row given as its column values (attnames, and names for the FKs' ids): what auditlog's
    `get_field_value` reads of a model instance, without building one."""

    def __init__(self, model, values: dict, text: str):
        self.__dict__.update(values)
        for field in model._meta.concrete_fields:
            if field.attname != field.name and field.attname in values:
                self.__dict__.setdefault(field.name, values[field.attname])
        self._text = text

    def __str__(self) -> str:
        return self._text


def _as_sent(field, value, connection):
    """A date or an amount as the field sends it to this database, as JSON text."""
    if value is None:
        return None
    prepared = field.get_db_prep_save(value, connection)
    return prepared.isoformat() if hasattr(prepared, "isoformat") else str(prepared)


def _json_ready(fields: dict, columns: list[str]) -> list:
    """For each column, None when its value goes into the rows' JSON document as it is
    (numbers, text, booleans, JSON), else the field that converts it (dates, amounts)."""
    sent = (models.DateTimeField, models.DateField, models.DecimalField)
    return [fields[c] if isinstance(fields[c], sent) else None for c in columns]


#: Rows per statement: one JSON parameter each, bounded.
INSERT_BATCH = 5_000


def insert_values(model, columns: list[str], rows: list[tuple]) -> int:
    """Insert rows given as tuples of column values (attnames), read by the database from one
    JSON parameter per statement: no model instance per row, and no statement of thousands of
    placeholders (which the driver parses in Python). No signal, no `save()`: the caller has
    made the checks a row's `full_clean()` makes. The keys are not returned (SQLite gives them
    in no promised order): read them back by what identifies the rows."""
    if not rows:
        return 0
    connection = connections["default"]
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    table = quote(model._meta.db_table)
    names = ", ".join(quote(fields[c].column) for c in columns)
    if connection.vendor == "postgresql":
        # Names quoted from the model's own; the values one parameter.
        rows_of = f"json_populate_recordset(NULL::{table}, %s)"
        sql = f"INSERT INTO {table} ({names}) SELECT {names} FROM {rows_of}"  # noqa: S608
        keys = [fields[c].column for c in columns]
    else:
        picks = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(columns)))
        sql = f"INSERT INTO {table} ({names}) SELECT {picks} FROM json_each(%s)"  # noqa: S608
        keys = None
    sent = _json_ready(fields, columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            chunk = [
                [
                    v if f is None else _as_sent(f, v, connection)
                    for v, f in zip(row, sent, strict=True)
                ]
                for row in rows[start : start + INSERT_BATCH]
            ]
            if keys is not None:
                chunk = [dict(zip(keys, row, strict=True)) for row in chunk]
            cursor.execute(sql, [json.dumps(chunk, cls=DjangoJSONEncoder)])
    return len(rows)


def _actor_columns() -> dict:
    """The actor, e-mail and address auditlog's receiver gives an entry saved now (one entry
    sent through `pre_save`, as a save() does; nothing read from the database)."""
    probe = LogEntry()
    pre_save.send(sender=LogEntry, instance=probe, raw=False, using="default", update_fields=None)
    names = ("actor_id", "actor_email", "remote_addr", "remote_port")
    return {name: getattr(probe, name) for name in names}


_LOG_COLUMNS = [
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "actor_email",
    "remote_addr",
    "remote_port",
    "cid",
    "timestamp",
    "additional_data",
]


def log_created_values(model, rows: list[dict], texts: list[str], *, additional_data=None) -> int:
    """Record the creation of rows just inserted from values (`insert_values`): `rows` their
    column values with their key (`id`), `texts` their `str()`. The same entries as `bulk_log`
    writes for instances, without an instance of the row or of the entry."""
    plan = _Plan(model, None)
    if plan.serialize:  # the serialised row needs the instance
        raise ValueError(f"{model.__name__} keeps its serialised rows: use bulk_log.")
    actor, cid, now = _actor_columns(), get_cid(), timezone.now()
    entries = []
    for values, text in zip(rows, texts, strict=True):
        row = _Values(model, values, text)
        changes = plan.changes(None, row)
        if not changes:
            continue
        pk = values[model._meta.pk.attname]
        entries.append(
            (
                plan.content_type.pk,
                smart_str(pk),
                pk if isinstance(pk, int) else None,
                text,
                None,
                CREATE,
                "",
                changes,
                actor["actor_id"],
                actor["actor_email"],
                actor["remote_addr"],
                actor["remote_port"],
                cid,
                now,
                additional_data,
            )
        )
    insert_values(LogEntry, _LOG_COLUMNS, entries)
    return len(entries)


def bulk_log(
    instances: Iterable[models.Model], action: int, *, additional_data: dict | None = None
) -> int:
    """Record the creation (after `bulk_create`) or deletion (before it) of these rows, even
    inside `auditlog_disabled()` (which silences the signals, not this).

    `additional_data` stands for each row's `get_additional_data()` when the caller knows it
    (reading it from each row may cost a query per row).
    """
    entries, plan_of = [], _plans()
    for instance in instances:
        old, new = (None, instance) if action == CREATE else (instance, None)
        entry = _entry(action, old, new, plan=plan_of(instance), additional_data=additional_data)
        if entry is not None:
            entries.append(entry)
    return _write(entries)


def _log(action: int, pairs, fields=None) -> None:
    if _logging_disabled.get():
        return
    plan_of = _plans(fields)
    entries = [
        entry
        for old, new in pairs
        if auditlog.contains(type(new))
        and (entry := _entry(action, old, new, plan=plan_of(new))) is not None
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
