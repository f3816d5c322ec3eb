"""The minutes of a meeting as a PDF, in the manner of a council deliberation."""

from django.utils import timezone, translation
from django.utils.text import slugify

from governance import selectors
from governance.models import Meeting
from ligeris.lib.pdf import render_pdf


def minutes_context(meeting: Meeting) -> dict:
    record = selectors.meeting_record(meeting)
    record["has_advisory"] = any(v.is_advisory for item in record["items"] for v in item.votes_list)
    record["excused_count"] = len(record["proxies"]) + len(record["excused"])
    record["consortium"] = meeting.body.consortium
    record["generated_at"] = timezone.now()
    return record


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes are an official French record, whatever language the reader browses in."""
    with translation.override("fr"):
        return render_pdf("governance/minutes_pdf.html", minutes_context(meeting))


def minutes_filename(meeting: Meeting) -> str:
    day = timezone.localdate(meeting.starts_at)
    return f"proces-verbal-{slugify(meeting.body.short_name)}-{day:%Y-%m-%d}.pdf"
