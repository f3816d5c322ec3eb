"""Asking for the minutes PDF of a large meeting: laid out by a background task
(`governance.tasks.build_minutes_pdf`), WeasyPrint taking seconds of CPU at 2,000 seats."""

import hashlib

from django.conf import settings
from django.db import transaction

from governance.models import Meeting, MinutesExport, Vote

#: Above this many seats present, excused or absent (or votes on one decision), the minutes
#: are built by a task: ~9 s of CPU at 2,000 seats, 0.3 s at 80.
LARGE_SEATS = 80


def large_seats() -> int:
    return getattr(settings, "LIGERIS_MINUTES_LARGE_SEATS", LARGE_SEATS)


def is_large(meeting: Meeting) -> bool:
    """Whether the minutes are too long to lay out in a request (two COUNTs at most)."""
    limit = large_seats()
    if meeting.attendances.count() > limit:
        return True
    votes = Vote.objects.filter(decision__item__meeting=meeting)
    return votes.count() > limit  # each decision's votes are at most all of them


def current_export(meeting: Meeting) -> MinutesExport | None:
    """The latest PDF asked for the meeting as it stands (closed: the one of that closing; open:
    the latest draft), without its bytes."""
    return (
        MinutesExport.objects.filter(meeting=meeting, closed_at=meeting.minutes_closed_at)
        .defer("pdf")
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def minutes_export_request(*, meeting: Meeting, user) -> MinutesExport:
    """The minutes PDF as the meeting stands: the one stored or being built, else a new one
    queued on commit. One that failed is queued again; a draft already built is built anew
    (the record may have changed since), a closed meeting's never."""
    from governance.tasks import build_minutes_pdf  # the tasks import the services

    export = current_export(meeting)
    if export is not None and export.done_at is None and export.error:
        export.error = ""
        export.save(update_fields=["error"])
    elif export is not None and (export.done_at is None or not export.is_draft):
        return export
    else:
        export = MinutesExport.objects.create(
            meeting=meeting, closed_at=meeting.minutes_closed_at, created_by=user
        )
    transaction.on_commit(lambda: build_minutes_pdf.delay(export.pk), robust=True)
    return export


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
