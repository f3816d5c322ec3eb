"""Reads: who sits where, which tenants vote, the quorum, and what each user may see."""

import datetime
import math
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import wording
from governance.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    ClosedYear,
    Decision,
    Meeting,
    Seat,
    Vote,
)
from ligeris.lib.roles import STAFF, role_of
from partners.models import Holding, PartnerStatus, Tenant
from partners.selectors import acting_partner_id

# --- Who may see what -------------------------------------------------------------------------


def _partner_filter(user, path: str) -> Q | None:
    """None for coordinator staff; else the condition "the user's partner sits in the body"."""
    if role_of(user) in STAFF:
        return None
    return Q(
        **{f"{path}seats__partner_id": acting_partner_id(user), f"{path}seats__is_active": True}
    )


def bodies_visible_to(user) -> QuerySet[Body]:
    bodies = Body.objects.select_related("consortium").annotate(
        seat_count=Count("seats", filter=Q(seats__is_active=True), distinct=True)
    )
    condition = _partner_filter(user, "")
    return bodies if condition is None else bodies.filter(condition).distinct()


def meetings_visible_to(user) -> QuerySet[Meeting]:
    meetings = Meeting.objects.select_related("body", "chair", "secretary")
    condition = _partner_filter(user, "body__")
    return meetings if condition is None else meetings.filter(condition).distinct()


def decisions_visible_to(user) -> QuerySet[Decision]:
    """The decision register: partner users see the decisions of published minutes only."""
    decisions = Decision.objects.select_related(
        "item__meeting__body", "concerned_partner"
    ).order_by("-item__meeting__starts_at", "item__position")
    condition = _partner_filter(user, "item__meeting__body__")
    if condition is None:
        return decisions
    return decisions.filter(condition, item__meeting__minutes_closed_at__isnull=False).distinct()


def minutes_visible_to(user, meeting: Meeting) -> bool:
    return meeting.is_closed or role_of(user) in STAFF


# --- Seats, tenants and voices ------------------------------------------------------------------


def active_seats(body: Body) -> QuerySet[Seat]:
    return body.seats.filter(is_active=True).select_related("person", "partner")


#: Partners whose tenants vote (article 6): a candidate has no vote yet, a withdrawn or excluded
#: partner none any more, from the effective date kept in `member_until`.
VOTING_STATUSES = (PartnerStatus.MEMBER, PartnerStatus.WITHDRAWING)


def voting_holder(day: datetime.date, path: str = "") -> Q:
    """The partner (at `path`) gives its tenants a vote on `day`."""
    left = (PartnerStatus.WITHDRAWN, PartnerStatus.EXCLUDED)
    return Q(**{f"{path}status__in": VOTING_STATUSES}) | Q(
        **{f"{path}status__in": left, f"{path}member_until__gt": day}
    )


def tenants_of_body(body: Body, day: datetime.date) -> list[Tenant]:
    """The tenants open on `day` held by a partner sitting in the body, that still vote.

    A tenant votes only while at least one of its holders is a member (or withdrawing): one
    held only by candidates, withdrawn or excluded partners leaves every vote base.
    """
    partner_ids = active_seats(body).values("partner_id")
    voting_ids = Holding.objects.filter(voting_holder(day, "partner__")).values("tenant_id")
    holdings = Holding.objects.select_related("partner").order_by("-is_payer", "partner__name")
    return list(
        Tenant.objects.filter(
            consortium=body.consortium_id,
            opened_on__lte=day,
            holdings__partner_id__in=partner_ids,
            pk__in=voting_ids,
        )
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))
        .prefetch_related(Prefetch("holdings", queryset=holdings))
        .distinct()
        .order_by("code")
    )


@dataclass(frozen=True)
class Voice:
    """A present seat able to speak for a partner, in person or by proxy."""

    cast_by: Seat
    proxy_from: Seat | None = None

    @property
    def partner_id(self) -> int:
        return (self.proxy_from or self.cast_by).partner_id


def voices(meeting: Meeting) -> list[Voice]:
    rows = list(meeting.attendances.select_related("seat__person", "seat__partner", "proxy_to"))
    present = [row.seat for row in rows if row.status == AttendanceStatus.PRESENT]
    proxies = [
        Voice(cast_by=row.proxy_to, proxy_from=row.seat)
        for row in rows
        if row.status == AttendanceStatus.PROXY
    ]
    return [Voice(cast_by=seat) for seat in present] + proxies


def _votes(partner, day: datetime.date) -> bool:
    if partner.status in VOTING_STATUSES:
        return True
    left = partner.status in (PartnerStatus.WITHDRAWN, PartnerStatus.EXCLUDED)
    return left and partner.member_until is not None and partner.member_until > day


@dataclass
class TenantVoter:
    tenant: Tenant
    deliberative: bool
    voices: list[Voice] = field(default_factory=list)
    recused: bool = False

    @property
    def represented(self) -> bool:
        return bool(self.voices)


def voters(meeting: Meeting, decision: Decision | None = None) -> list[TenantVoter]:
    """Each tenant of the body on the meeting date, whether it deliberates, who may speak for it.

    A partner concerned by an admission or exclusion is recused: it speaks for no tenant.
    """
    day = timezone.localdate(meeting.starts_at)
    recused = decision.concerned_partner_id if decision else None
    all_voices = voices(meeting)
    result = []
    for tenant in tenants_of_body(meeting.body, day):
        # Only a holder that still votes speaks for the tenant.
        holders = {h.partner_id for h in tenant.holdings.all() if _votes(h.partner, day)}
        speaking = [v for v in all_voices if v.partner_id in holders and v.partner_id != recused]
        result.append(
            TenantVoter(
                tenant=tenant,
                deliberative=tenant.is_deployed_on(day),
                voices=speaking,
                recused=bool(recused and recused in holders and not speaking),
            )
        )
    return result


@dataclass(frozen=True)
class Quorum:
    required: int | None
    represented: int
    deliberative: int

    @property
    def applies(self) -> bool:
        return self.required is not None

    @property
    def met(self) -> bool:
        return self.required is None or self.represented >= self.required

    def describe(self) -> str:
        counts = {
            "represented": wording.represented_tenants(self.represented),
            "total": self.deliberative,
            "required": self.required,
        }
        if self.required is None:
            return _("%(represented)s sur %(total)s (pas de quorum fixé)") % counts
        if self.met:
            return (
                _("Quorum atteint : %(represented)s sur %(total)s (%(required)s requis)") % counts
            )
        return (
            _("Quorum non atteint : %(represented)s sur %(total)s (%(required)s requis)") % counts
        )


def quorum(meeting: Meeting) -> Quorum:
    body = meeting.body
    deliberative = [v for v in voters(meeting) if v.deliberative]
    if body.quorum_counts_proxies:
        represented = sum(1 for v in deliberative if v.represented)
    else:
        represented = sum(1 for v in deliberative if any(not x.proxy_from for x in v.voices))
    required = math.ceil(body.quorum * len(deliberative)) if body.quorum is not None else None
    return Quorum(required=required, represented=represented, deliberative=len(deliberative))


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


def actions_overdue(*, today: datetime.date | None = None) -> QuerySet[Action]:
    today = today or timezone.localdate()
    return actions_all().filter(
        status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS), due_on__lt=today
    )


def actions_all() -> QuerySet[Action]:
    return Action.objects.select_related("owner__partner", "item__meeting__body")


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


def frequency(year: int, *, now: datetime.datetime | None = None) -> list[Frequency]:
    """Meetings held (date passed) and still scheduled this year, against each body's minimum."""
    now = now or timezone.now()
    in_year = Q(meetings__starts_at__year=year)
    bodies = Body.objects.annotate(
        held=Count("meetings", filter=in_year & Q(meetings__starts_at__lte=now)),
        scheduled=Count("meetings", filter=in_year & Q(meetings__starts_at__gt=now)),
    ).exclude(Q(kind="working_group") & Q(minimum_meetings=0))
    return [
        Frequency(body=b, held=b.held, scheduled=b.scheduled, minimum=b.minimum_meetings)
        for b in bodies
    ]


def closed_years() -> list[int]:
    return list(ClosedYear.objects.order_by("-year").values_list("year", flat=True))


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
