"""Reads: who sits where, which tenants vote, the quorum, and what each user may see."""

import datetime
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    ClosedYear,
    Decision,
    Meeting,
    MeetingRequest,
    Seat,
    Vote,
)
from governance.vote_base import (  # noqa: F401 (read from here by the other modules)
    SEAT_NAME_COLUMNS,
    VOTING_STATUSES,
    Quorum,
    SeatName,
    TenantVoter,
    Voice,
    VoteBase,
    tenants_of_body,
    voices,
    vote_base,
    voting_holder,
)
from ligeris.lib.roles import STAFF, role_of
from partners.models import Consortium
from partners.selectors import acting_partner_id
from partners.selectors import in_consortium as staff_rows

# --- Who may see what -------------------------------------------------------------------------


def in_consortium(rows: QuerySet, consortium: Consortium, path: str = "") -> QuerySet:
    """The rows of one consortium; `path` leads from a row to its body ("meeting__body__")."""
    return rows.filter(**{f"{path}consortium": consortium})


def _of_staff(rows: QuerySet, user, consortium: Consortium | None, path: str) -> QuerySet:
    """Staff see the request's consortium's rows; without one, those of all their consortia."""
    return staff_rows(rows, user, consortium, f"{path}consortium")


def _scoped(rows: QuerySet, user, consortium: Consortium | None, path: str) -> QuerySet:
    """Staff's rows, or those of the bodies the partner user's partner sits in (a partner is one
    consortium's: its bodies are)."""
    if role_of(user) in STAFF:
        return _of_staff(rows, user, consortium, path)
    seated = {f"{path}seats__partner_id": acting_partner_id(user), f"{path}seats__is_active": True}
    return rows.filter(**seated).distinct()


def bodies_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Body]:
    bodies = Body.objects.select_related("consortium").annotate(
        seat_count=Count("seats", filter=Q(seats__is_active=True), distinct=True)
    )
    return _scoped(bodies, user, consortium, "")


def meetings_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("body", "chair", "secretary")
    return _scoped(meetings, user, consortium, "body__")


def decisions_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Decision]:
    """The decision register: partner users see the decisions of published minutes only."""
    decisions = Decision.objects.select_related(
        "item__meeting__body", "concerned_partner"
    ).order_by("-item__meeting__starts_at", "item__position")
    decisions = _scoped(decisions, user, consortium, "item__meeting__body__")
    if role_of(user) in STAFF:
        return decisions
    return decisions.filter(item__meeting__minutes_closed_at__isnull=False)


def minutes_visible_to(user, meeting: Meeting) -> bool:
    return meeting.is_closed or role_of(user) in STAFF


# --- Seats, tenants and voices ------------------------------------------------------------------


def active_seats(body: Body) -> QuerySet[Seat]:
    return body.seats.filter(is_active=True).select_related("person", "partner")


def voters(meeting: Meeting, decision: Decision | None = None) -> list[TenantVoter]:
    """Each tenant of the body on the meeting date, whether it deliberates, who may speak for it.

    Several reads of one meeting share one `vote_base(meeting)` rather than call this twice.
    """
    return vote_base(meeting).voters(decision)


def quorum(meeting: Meeting) -> Quorum:
    return vote_base(meeting).quorum()


def notice_days(meeting: Meeting) -> int | None:
    """Whole days between the convocation (or today, before it is sent) and the meeting.

    None for a meeting held without a recorded convocation: there is no notice to speak of. A
    convocation recorded on the day of the meeting (or, in old records, after it) gives 0.
    """
    today = timezone.localdate()
    day = timezone.localdate(meeting.starts_at)
    if meeting.convened_at is None and day < today:
        return None
    sent = timezone.localdate(meeting.convened_at) if meeting.convened_at else today
    return max((day - sent).days, 0)


def notice_is_short(meeting: Meeting) -> bool:
    days = notice_days(meeting)
    return days is not None and days < meeting.body.notice_days and not meeting.is_closed


# --- Pages --------------------------------------------------------------------------------------


def _protocol_order(row: Attendance) -> tuple:
    return (row.seat.order, row.seat.partner.name, row.seat.person.last_name)


def meeting_record(meeting: Meeting, *, with_record: bool = True) -> dict:
    """Everything the meeting page and the minutes show, in as few queries as it takes.

    Without `with_record` (a partner user before the minutes are published): the agenda only, no
    attendance, no votes, no outcome. Members come in the body's protocol order.
    """
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("decision__concerned_partner")
        .prefetch_related("documents")
        .order_by("position")
    )
    attendances, by_decision = [], {}
    if with_record:
        attendances = sorted(
            meeting.attendances.select_related(
                "seat__person", "seat__partner", "proxy_to__person", "proxy_to__partner"
            ),
            key=_protocol_order,
        )
        votes = (
            Vote.objects.filter(decision__item__meeting=meeting)
            .select_related("tenant", "cast_by__person", "proxy_from__person")
            .order_by("tenant__code")
        )
        for vote in votes:
            by_decision.setdefault(vote.decision_id, []).append(vote)
    for item in items:
        decision = getattr(item, "decision", None) if item.kind == "decision" else None
        item.decision_record = decision
        item.votes_list = by_decision.get(decision.pk, []) if decision else []
    by_status = {status: [] for status in AttendanceStatus.values}
    for row in attendances:
        by_status[row.status].append(row)
    return {
        "meeting": meeting,
        "items": items,
        "attendances": attendances,
        "present": by_status[AttendanceStatus.PRESENT],
        "excused": by_status[AttendanceStatus.EXCUSED],
        "proxies": by_status[AttendanceStatus.PROXY],
        "absent": by_status[AttendanceStatus.ABSENT],
        "quorum": quorum(meeting) if with_record else None,
        "actions": Action.objects.filter(item__meeting=meeting).select_related("owner", "item"),
        "convocations_sent": meeting.deliveries.filter(sent_at__isnull=False).count(),
    }


def attendance_of(meeting: Meeting) -> dict[int, Attendance]:
    return {a.seat_id: a for a in meeting.attendances.all()}


def seat_names(body: Body) -> list[SeatName]:
    """The body's active seats in its order, as rows: what the attendance sheet shows of them
    (2,000 seats, people and partners built as models were half of the sheet's time)."""
    rows = active_seats(body).values_list(*SEAT_NAME_COLUMNS, "role")
    return [SeatName.from_row(*row) for row in rows]


@dataclass(frozen=True)
class Roll:
    """A seat's recorded attendance as the sheet reads it."""

    status: str
    proxy_to_id: int | None


def roll_of(meeting: Meeting) -> dict[int, Roll]:
    """`attendance_of` as rows, by seat key."""
    rows = meeting.attendances.order_by().values_list("seat_id", "status", "proxy_to_id")
    return {seat_id: Roll(status, proxy_to_id) for seat_id, status, proxy_to_id in rows}


@dataclass(frozen=True)
class Cast:
    """A recorded vote as the vote sheet reads it (not 3,000 `Vote` instances)."""

    choice: str
    cast_by_id: int


def casts_of(decision: Decision) -> dict[int, Cast]:
    """The votes of a decision by tenant key, in the tenants' order (the vote of the whole is
    the most common, the first in that order on a tie)."""
    rows = decision.votes.values_list("tenant_id", "choice", "cast_by_id")
    return {tenant_id: Cast(choice, cast_by_id) for tenant_id, choice, cast_by_id in rows}


def actions_overdue(
    consortium: Consortium | None = None, *, today: datetime.date | None = None
) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return actions_all(consortium).filter(
        status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS), due_on__lt=today
    )


def actions_all(consortium: Consortium | None = None) -> QuerySet[Action]:
    """The action plan: one consortium's, or (None, for tasks) every consortium's."""
    actions = Action.objects.select_related("owner__partner", "item__meeting__body")
    return (
        actions
        if consortium is None
        else in_consortium(actions, consortium, "item__meeting__body__")
    )


@dataclass(frozen=True)
class Frequency:
    body: Body
    held: int
    scheduled: int
    minimum: int

    @property
    def behind(self) -> bool:
        return self.held < self.minimum

    @property
    def missing(self) -> int:
        return max(self.minimum - self.held, 0)


def frequency(
    year: int, consortium: Consortium | None = None, *, now: datetime.datetime | None = None
) -> list[Frequency]:
    """Meetings held (date passed) and still scheduled this year, against each body's minimum:
    one consortium's bodies, or (None, for the daily check) every consortium's."""
    now = now or timezone.now()
    in_year = Q(meetings__starts_at__year=year)
    bodies = Body.objects.all() if consortium is None else in_consortium(Body.objects, consortium)
    bodies = bodies.annotate(
        held=Count("meetings", filter=in_year & Q(meetings__starts_at__lte=now)),
        scheduled=Count("meetings", filter=in_year & Q(meetings__starts_at__gt=now)),
    ).exclude(Q(kind="working_group") & Q(minimum_meetings=0))
    return [
        Frequency(body=b, held=b.held, scheduled=b.scheduled, minimum=b.minimum_meetings)
        for b in bodies
    ]


def closed_years(consortium: Consortium) -> list[int]:
    years = in_consortium(ClosedYear.objects, consortium)
    return list(years.order_by("-year").values_list("year", flat=True))


def history_of_meeting(meeting: Meeting) -> QuerySet[LogEntry]:
    """Audit entries of the meeting and of every row of its record, removed ones included."""
    own = Q(content_type=ContentType.objects.get_for_model(Meeting), object_pk=str(meeting.pk))
    record = Q(
        content_type__in=ContentType.objects.get_for_models(
            Attendance, AgendaItem, Decision, Vote
        ).values(),
        additional_data__meeting_id=meeting.pk,
    )
    return (
        LogEntry.objects.filter(own | record).select_related("actor").order_by("-timestamp", "-pk")
    )


# --- Meeting requests -----------------------------------------------------------------------------


def meeting_requests_visible_to(
    user, consortium: Consortium | None = None
) -> QuerySet[MeetingRequest]:
    """Staff see the requests to the consortium's bodies; a partner user its own partner's."""
    requests = MeetingRequest.objects.select_related(
        "body", "partner", "meeting", "requested_by"
    ).order_by("-created_at", "-pk")
    if role_of(user) in STAFF:
        return _of_staff(requests, user, consortium, "body__")
    return requests.filter(partner_id=acting_partner_id(user))


def requestable_bodies(partner) -> QuerySet[Body]:
    """The COPIL and the COTECH of the partner's consortium (article 6)."""
    return Body.objects.filter(
        consortium_id=partner.consortium_id, kind__in=(BodyKind.STEERING, BodyKind.TECHNICAL)
    ).order_by("kind", "name")


def meeting_request_recipients(request: MeetingRequest) -> list[str]:
    """The requester; without one (an account removed), its partner's active users."""
    from django.contrib.auth import get_user_model

    requester = request.requested_by
    if requester is not None and requester.is_active:
        return [requester.email]
    users = get_user_model().objects.filter(partner_id=request.partner_id, is_active=True)
    return list(users.order_by("email").values_list("email", flat=True))
