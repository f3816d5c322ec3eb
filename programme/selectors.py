"""Reads of the programme, scoped as governance is: coordinator staff see the request's
consortium's workstreams and meetings; a partner user sees its own consortium's, and a meeting's
additions where it sees the meeting."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet

from governance.models import BodyKind, Meeting
from governance.selectors import meetings_visible_to, minutes_visible_to
from ligeris.lib.roles import STAFF, role_of
from partners.models import Consortium, Partner
from partners.selectors import acting_partner_id, in_consortium
from programme.models import (
    Deliverable,
    DeliverableStatus,
    MeetingGuest,
    MeetingRecording,
    MeetingSecretariat,
    RotaEntry,
    Workstream,
    WorkstreamMember,
    WorkstreamReview,
)
from programme.models.workstreams import STATUS_PROGRESS


def _of_staff(rows: QuerySet, user, consortium: Consortium | None, path: str = "") -> QuerySet:
    """Staff see the request's consortium's rows; without one, those of all their consortia.
    A partner user's rows are already its own consortium's (the caller filters them)."""
    if role_of(user) not in STAFF:
        return rows
    return in_consortium(rows, user, consortium, f"{path}consortium")


def workstreams_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Workstream]:
    workstreams = Workstream.objects.select_related("consortium")
    if role_of(user) in STAFF:
        return _of_staff(workstreams, user, consortium)
    own = Partner.objects.filter(pk=acting_partner_id(user)).values("consortium_id")[:1]
    return workstreams.filter(consortium_id=own)


def deliverables_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Deliverable]:
    return Deliverable.objects.select_related("workstream").filter(
        workstream__in=workstreams_visible_to(user, consortium)
    )


def meetings_of(user, consortium: Consortium | None = None) -> QuerySet[Meeting]:
    """The meetings a user sees (governance's rule), staff those of the consortium's bodies."""
    return meetings_visible_to(user, consortium)


def guests_visible_to(user, consortium: Consortium | None = None) -> QuerySet[MeetingGuest]:
    return MeetingGuest.objects.select_related("meeting").filter(
        meeting__in=meetings_of(user, consortium)
    )


def recordings_visible_to(user, consortium: Consortium | None = None) -> QuerySet[MeetingRecording]:
    """Partners hear a recording with the published minutes, as they see the attendance."""
    recordings = MeetingRecording.objects.select_related("meeting").filter(
        meeting__in=meetings_of(user, consortium)
    )
    if role_of(user) in STAFF:
        return recordings
    return recordings.filter(meeting__minutes_closed_at__isnull=False)


def progress_of(deliverables) -> int | None:
    """The mean of the deliverables' progress, cancelled ones left out; None without any."""
    values = [STATUS_PROGRESS[d.status] for d in deliverables if d.status in STATUS_PROGRESS]
    if not values:
        return None
    mean = Decimal(sum(values)) / len(values)
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def workstream_list(user, consortium: Consortium | None = None) -> list[Workstream]:
    """Each workstream with its deliverables' progress and its last COPIL follow-up."""
    deliverables = Deliverable.objects.order_by("due_on", "pk")
    reviews = WorkstreamReview.objects.select_related("meeting").order_by("-meeting__starts_at")
    workstreams = list(
        workstreams_visible_to(user, consortium).prefetch_related(
            Prefetch("deliverables", queryset=deliverables),
            Prefetch("reviews", queryset=reviews),
        )
    )
    for workstream in workstreams:
        items = list(workstream.deliverables.all())
        workstream.deliverable_progress = progress_of(items)
        workstream.deliverable_count = len(items)
        workstream.last_review = next(iter(workstream.reviews.all()), None)
    return workstreams


def workstream_page(workstream: Workstream, today: datetime.date) -> dict:
    deliverables = list(workstream.deliverables.order_by("due_on", "pk"))
    for deliverable in deliverables:
        deliverable.late = deliverable.is_late(today)
    members = WorkstreamMember.objects.filter(workstream=workstream).select_related(
        "partner", "person"
    )
    reviews = workstream.reviews.select_related("meeting__body").order_by("-meeting__starts_at")
    return {
        "deliverables": deliverables,
        "late_count": sum(1 for d in deliverables if d.late),
        "members": list(members),
        "reviews": list(reviews),
        "deliverable_progress": progress_of(deliverables),
        "statuses": DeliverableStatus,
    }


# --- The rotating secretariat -----------------------------------------------------------------


def rota_entries(consortium_id: int) -> QuerySet[RotaEntry]:
    return RotaEntry.objects.filter(consortium_id=consortium_id).select_related("partner")


def rota(consortium_id: int) -> list[RotaEntry]:
    return list(rota_entries(consortium_id).order_by("position"))


@dataclass(frozen=True)
class Proposal:
    partner: Partner
    after: MeetingSecretariat | None  # the last earlier meeting's secretariat, if any


def secretariat_proposal(meeting: Meeting) -> Proposal | None:
    """The partner next in turn after the one that held the last earlier meeting's secretariat
    (any body of the consortium); the first of the rota when none did, or when that partner has
    left the rota. None without a rota."""
    entries = rota(meeting.body.consortium_id)
    if not entries:
        return None
    previous = (
        MeetingSecretariat.objects.filter(meeting__body__consortium_id=meeting.body.consortium_id)
        .filter(meeting__starts_at__lte=meeting.starts_at)
        .exclude(meeting=meeting)
        .exclude(meeting__starts_at=meeting.starts_at, meeting__pk__gt=meeting.pk)
        .select_related("partner", "meeting")
        .order_by("-meeting__starts_at", "-meeting__pk")
        .first()
    )
    partners = [entry.partner_id for entry in entries]
    if previous is None or previous.partner_id not in partners:
        return Proposal(partner=entries[0].partner, after=previous)
    following = entries[(partners.index(previous.partner_id) + 1) % len(entries)]
    return Proposal(partner=following.partner, after=previous)


# --- What the meeting page and the minutes add ------------------------------------------------


def meeting_programme(meeting: Meeting, user, *, for_minutes: bool = False) -> dict:
    """Guests, secretariat (held and proposed), recordings and the COPIL's follow-ups.

    A fixed number of queries, whatever the meeting's size.
    """
    is_staff = role_of(user) in STAFF if user is not None else True
    shows_record = for_minutes or meeting.is_closed or is_staff
    secretariat = MeetingSecretariat.objects.filter(meeting=meeting).select_related(
        "partner", "proposed"
    )
    context = {
        "guests": list(meeting.guests.all()) if shows_record else [],
        "secretariat": secretariat.first(),
        "reviews": [],
        "recordings": [],
        "is_steering": meeting.body.kind == BodyKind.STEERING,
    }
    if shows_record:
        context["reviews"] = list(
            meeting.workstream_reviews.select_related("workstream").order_by(
                "workstream__position", "workstream__name"
            )
        )
    if not for_minutes:
        context["proposal"] = secretariat_proposal(meeting) if is_staff else None
        if minutes_visible_to(user, meeting):
            context["recordings"] = list(meeting.recordings.all())
    return context
