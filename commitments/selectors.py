"""What the commitments' pages read: the requests (a partner user's own), the monthly report."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from commitments.models import Commitment, CommitmentKind, Referent, ServiceRequest
from commitments.working_time import PARIS
from ligeris.lib.roles import PARTNERS, role_of
from partners.models import Consortium
from partners.selectors import acting_partner_id, add_months


def _own(rows, user):
    if role_of(user) in PARTNERS:
        return rows.filter(partner_id=acting_partner_id(user))
    return rows


def commitments_of(consortium: Consortium) -> QuerySet[Commitment]:
    return Commitment.objects.filter(consortium=consortium).select_related("service")


def referents_of(consortium: Consortium) -> QuerySet[Referent]:
    return Referent.objects.filter(consortium=consortium).select_related("partner")


def requests_visible_to(consortium: Consortium, user) -> QuerySet[ServiceRequest]:
    rows = ServiceRequest.objects.filter(consortium=consortium).select_related(
        "partner", "commitment__service"
    )
    return _own(rows, user)


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = datetime.datetime.combine(month.replace(day=1), datetime.time(0), tzinfo=PARIS)
    after = datetime.datetime.combine(add_months(month.replace(day=1), 1), datetime.time(0), PARIS)
    return first, after


def met_q() -> Q:
    return Q(answered_at__isnull=False, due_at__isnull=False, answered_at__lte=F("due_at"))


def missed_q(now) -> Q:
    late = Q(answered_at__gt=F("due_at"))
    overdue = Q(answered_at__isnull=True, due_at__lt=now)
    return Q(due_at__isnull=False) & (late | overdue)


@dataclass
class ReportRow:
    partner: str
    kind: str
    total: int
    met: int
    missed: int

    @property
    def pending(self) -> int:
        return self.total - self.met - self.missed

    @property
    def kind_label(self) -> str:
        return str(CommitmentKind(self.kind).label)


def monthly_report(consortium: Consortium, month: datetime.date, user, now=None) -> list[ReportRow]:
    """Per member and commitment, the requests received in the month (Paris time): met, missed
    (answered late, or not answered and past due), pending. One query whatever their number."""
    now = now or timezone.now()
    first, after = month_bounds(month)
    rows = (
        requests_visible_to(consortium, user)
        .filter(received_at__gte=first, received_at__lt=after)
        .values("partner__name", "commitment__kind")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=met_q()),
            missed=Count("pk", filter=missed_q(now)),
        )
        .order_by("partner__name", "commitment__kind")
    )
    return [
        ReportRow(r["partner__name"], r["commitment__kind"], r["total"], r["met"], r["missed"])
        for r in rows
    ]


def request_status(request: ServiceRequest, now=None) -> str:
    now = now or timezone.now()
    if request.due_at is None:
        return "pending"
    if request.answered_at is not None:
        return "met" if request.answered_at <= request.due_at else "missed"
    return "missed" if request.due_at < now else "pending"
