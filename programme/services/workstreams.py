"""Writes of workstreams, their composition and deliverables, and the COPIL's follow-ups."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import BodyKind, Meeting
from governance.services.common import refuse_if_closed
from ligeris.lib.services import save_validated as save
from ligeris.lib.uploads import check_pdf
from partners.models import Consortium, Partner, Person
from programme.models import (
    Deliverable,
    DeliverableStatus,
    Workstream,
    WorkstreamMember,
    WorkstreamReview,
)
from programme.models.workstreams import DONE


def file_sha256(upload) -> str:
    """The SHA-256 of an upload, read in chunks (an audio file may be hundreds of Mo)."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def workstream_create(*, consortium: Consortium, **fields) -> Workstream:
    return save(Workstream(consortium=consortium), **fields)


@transaction.atomic
def workstream_update(*, workstream: Workstream, **fields) -> Workstream:
    return save(workstream, **fields)


@transaction.atomic
def member_add(
    *, workstream: Workstream, partner: Partner, person: Person | None, role: str
) -> WorkstreamMember:
    if partner.consortium_id != workstream.consortium_id:
        raise ValidationError({"partner": _("Ce partenaire n'est pas membre du groupement.")})
    return save(WorkstreamMember(workstream=workstream), partner=partner, person=person, role=role)


@transaction.atomic
def deliverable_create(*, workstream: Workstream, title: str, due_on: datetime.date) -> Deliverable:
    return save(Deliverable(workstream=workstream), title=title, due_on=due_on)


@transaction.atomic
def deliverable_update(
    *,
    deliverable: Deliverable,
    title: str,
    due_on: datetime.date,
    status: str,
    delivered_on: datetime.date | None,
    document=None,
) -> Deliverable:
    """A document delivered must be a readable PDF (capped in size); done means dated."""
    fields = {"title": title, "due_on": due_on, "status": status, "delivered_on": delivered_on}
    if document is not None:
        pages = check_pdf(document, max_bytes=settings.PROGRAMME_DELIVERABLE_MAX_BYTES)
        fields.update(
            document=document, document_sha256=file_sha256(document), document_pages=pages
        )
    if status in DONE and delivered_on is None:
        fields["delivered_on"] = timezone.localdate()
    if status == DeliverableStatus.PLANNED and fields["delivered_on"] is not None:
        raise ValidationError(
            {"delivered_on": _("Un livrable prévu n'a pas encore de date de livraison.")}
        )
    return save(deliverable, **fields)


@dataclass(frozen=True)
class ReviewEntry:
    workstream: Workstream
    progress: int
    objectives: str
    objectives_note: str = ""
    resources: str = ""
    staff_days: Decimal | None = None


def _refuse_not_steering(meeting: Meeting, workstreams) -> None:
    if meeting.body.kind != BodyKind.STEERING:
        raise ValidationError(_("Seul le comité de pilotage suit l'avancement des chantiers."))
    if any(w.consortium_id != meeting.body.consortium_id for w in workstreams):
        raise ValidationError(_("Ce chantier n'est pas un chantier du groupement de la séance."))


@transaction.atomic
def reviews_record(*, meeting: Meeting, entries: list[ReviewEntry]) -> list[WorkstreamReview]:
    """The COPIL's follow-up of each workstream at one meeting, all or none; a workstream
    already followed at this meeting has its follow-up replaced (until the minutes close)."""
    meeting = refuse_if_closed(meeting)
    _refuse_not_steering(meeting, [entry.workstream for entry in entries])
    existing = {
        review.workstream_id: review
        for review in WorkstreamReview.objects.filter(
            meeting=meeting, workstream__in=[entry.workstream for entry in entries]
        )
    }
    saved = []
    for entry in entries:
        review = existing.get(entry.workstream.pk) or WorkstreamReview(
            workstream=entry.workstream, meeting=meeting
        )
        saved.append(
            save(
                review,
                progress=entry.progress,
                objectives=entry.objectives,
                objectives_note=entry.objectives_note,
                resources=entry.resources,
                staff_days=entry.staff_days,
            )
        )
    return saved
