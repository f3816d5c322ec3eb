"""The amendment as a PDF (WeasyPrint): its object, the decision it comes from, every party."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ligeris.lib.pdf import render_pdf
from membership.models import AmendmentFile
from membership.selectors.amendments import parties_of


def amendment_context(file: AmendmentFile) -> dict:
    amendment = file.amendment
    decision = file.decision
    meeting = decision.item.meeting
    number = decision.item.number
    return {
        "file": file,
        "amendment": amendment,
        "convention": amendment.convention,
        "consortium": amendment.convention.consortium,
        "decision": decision,
        "meeting": meeting,
        "meeting_day": timezone.localdate(meeting.starts_at),
        "deliberation": _("délibération n° %(number)s") % {"number": number} if number else "",
        "parties": parties_of(file),
        "reference": _("Avenant n° %(number)s — %(convention)s")
        % {"number": amendment.number, "convention": amendment.convention.title},
    }


def amendment_pdf(file: AmendmentFile) -> bytes:
    """An official French act, whatever language the reader browses in."""
    with translation.override("fr"):
        return render_pdf("membership/amendments_pdf.html", amendment_context(file))


def amendment_filename(file: AmendmentFile) -> str:
    return f"avenant-{file.amendment.number:02d}.pdf"
