"""What the timeline's sources share: days from audit timestamps, amounts and dates in French."""

import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from billing.templatetags.euros import euros_text

MEMBERSHIP = "membership"
GOVERNANCE = "governance"
TENANTS = "tenants"
MONEY = "money"
LETTERS = "letters"


def day_of(moment: datetime.datetime) -> datetime.date:
    """The day in Paris of a stored moment (audit entries, runs)."""
    return timezone.localtime(moment).date()


def french_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def euros(amount) -> str:
    return euros_text(amount)


def audit_entries(model, pks) -> QuerySet[LogEntry]:
    """The audit entries of some rows of one model, oldest first, in one query."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_pk__in=[str(pk) for pk in pks],
    ).order_by("timestamp", "pk")


def changed(entry: LogEntry, field: str) -> tuple[str, str] | None:
    """(old, new) of one field in an audit entry, as auditlog stored them; None if unchanged."""
    values = (entry.changes_dict or {}).get(field)
    if not values or values[0] == values[1]:
        return None
    return values[0], values[1]
