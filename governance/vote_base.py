"""Who votes in a meeting (article 6), computed once per meeting in a fixed number of queries.

A `VoteBase` reads the body's tenants open on the meeting day, their holders that still vote, and
the seats present (in person or by proxy), each keyed in a dict: the voters of any decision and
the quorum then come from it in time linear in tenants + voices, whatever the size of the body
(a scan of every voice for each tenant cost 5.6 M steps at 3,000 tenants).
"""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from governance import wording
from governance.models import AttendanceStatus, Body, Decision, Meeting, Seat
from partners.models import Holding, PartnerStatus, PersonRole, Tenant

#: Partners whose tenants vote (article 6): a candidate has no vote yet, a withdrawn or excluded
#: partner none any more, from the effective date kept in `member_until`.
VOTING_STATUSES = (PartnerStatus.MEMBER, PartnerStatus.WITHDRAWING)
_VOTING = frozenset(status.value for status in VOTING_STATUSES)


def voting_holder(day: datetime.date, path: str = "") -> Q:
    """The partner (at `path`) gives its tenants a vote on `day`."""
    left = (PartnerStatus.WITHDRAWN, PartnerStatus.EXCLUDED)
    return Q(**{f"{path}status__in": VOTING_STATUSES}) | Q(
        **{f"{path}status__in": left, f"{path}member_until__gt": day}
    )


def _open_on(day: datetime.date) -> Q:
    return Q(opened_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


def _votes(status: str, member_until: datetime.date | None, day: datetime.date) -> bool:
    """`voting_holder` for one partner's values."""
    if status in VOTING_STATUSES:
        return True
    left = status in (PartnerStatus.WITHDRAWN, PartnerStatus.EXCLUDED)
    return left and member_until is not None and member_until > day


def _base_of(body: Body, day: datetime.date) -> tuple[dict, dict]:
    """(deployed_on by tenant pk, voting holders by tenant pk) of the tenants that vote.

    Two flat queries, joined in Python: nested IN subqueries on the tenants let PostgreSQL,
    with tables just filled (no statistics yet), pick a plan that ran for minutes.
    """
    # Unordered: the default orderings join partners and people only to sort rows kept as sets.
    seated = set(body.seats.filter(is_active=True).order_by().values_list("partner_id", flat=True))
    holdings = (
        Holding.objects.filter(tenant__consortium=body.consortium_id, tenant__opened_on__lte=day)
        .filter(Q(tenant__closed_on__isnull=True) | Q(tenant__closed_on__gt=day))
        .order_by()
        .values_list(
            "tenant_id",
            "tenant__deployed_on",
            "partner_id",
            "partner__status",
            "partner__member_until",
        )
    )
    deployed, holders, has_seat = {}, {}, set()
    for tenant_id, deployed_on, partner_id, status, member_until in holdings:
        deployed[tenant_id] = deployed_on
        if partner_id in seated:
            has_seat.add(tenant_id)
        # Most holders are members: a set lookup before the call (3,500 holdings a page).
        if status in _VOTING or _votes(status, member_until, day):
            holders.setdefault(tenant_id, set()).add(partner_id)
    voting = has_seat & holders.keys()
    # The holders' sets as they are (only ever read), not copied into 3,000 frozensets.
    return {pk: deployed[pk] for pk in voting}, {pk: holders[pk] for pk in voting}


@dataclass(frozen=True, eq=False)
class TenantName:
    """A voting tenant as the vote sheet and the services read it, from a row: 3,000 `Tenant`
    instances were a fifth of a vote sheet's time. Equal to its `Tenant` (same key), as a model
    instance would be."""

    pk: int
    code: str
    name: str
    deployed_on: datetime.date | None

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"  # `Tenant.__str__`

    def __eq__(self, other) -> bool:
        if isinstance(other, TenantName | Tenant):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pk)

    def is_deployed_on(self, day: datetime.date) -> bool:
        return self.deployed_on is not None and self.deployed_on <= day


def _tenant_names(body: Body, day: datetime.date, pks) -> list[TenantName]:
    """`_tenants` as rows."""
    tenants = Tenant.objects.filter(_open_on(day), consortium=body.consortium_id).order_by("code")
    rows = tenants.values_list("pk", "code", "name", "deployed_on")
    return [TenantName(*row) for row in rows if row[0] in pks]


def _tenants(body: Body, day: datetime.date, pks) -> list[Tenant]:
    tenants = Tenant.objects.filter(_open_on(day), consortium=body.consortium_id).order_by("code")
    return [tenant for tenant in tenants if tenant.pk in pks]


def tenants_of_body(body: Body, day: datetime.date) -> list[Tenant]:
    """The tenants open on `day` held by a partner sitting in the body, that still vote.

    A tenant votes only while at least one of its holders is a member (or withdrawing): one
    held only by candidates, withdrawn or excluded partners leaves every vote base.
    """
    deployed, _holders = _base_of(body, day)
    return _tenants(body, day, deployed)


#: The columns a `SeatName` is read from (`SeatName.from_row`), from a seat or, prefixed by the
#: relation ("seat__"), from another model's rows; its role is read only where it is shown.
SEAT_NAME_COLUMNS = (
    "pk",
    "partner_id",
    "person__first_name",
    "person__last_name",
    "partner__short_name",
)


@dataclass(frozen=True)
class SeatName:
    """What a voice needs of a seat: its key, its partner and its name (`Seat.__str__`), read as
    a row: 2,000 seats, people and partners built as models took most of a vote sheet's time."""

    pk: int
    partner_id: int
    person: str  # `Person.__str__`
    partner_short_name: str
    role: str = ""  # read for the attendance sheet only

    def __str__(self) -> str:
        return f"{self.person} ({self.partner_short_name})"

    @classmethod
    def from_row(cls, pk, partner_id, first_name, last_name, short_name, role="") -> "SeatName":
        """From the values of `SEAT_NAME_COLUMNS` (and the role, if read)."""
        return cls(pk, partner_id, f"{first_name} {last_name}", short_name, role)

    def get_role_display(self) -> str:
        return str(PersonRole(self.role).label) if self.role else ""


@dataclass(frozen=True)
class Voice:
    """A present seat able to speak for a partner, in person or by proxy."""

    cast_by: Seat | SeatName
    proxy_from: Seat | SeatName | None = None

    @property
    def partner_id(self) -> int:
        return (self.proxy_from or self.cast_by).partner_id


def voices(meeting: Meeting) -> list[Voice]:
    """Present seats first, then proxies, each in the order the attendance was recorded."""
    rows = list(
        meeting.attendances.filter(status__in=(AttendanceStatus.PRESENT, AttendanceStatus.PROXY))
        .select_related("seat__person", "seat__partner", "proxy_to__person", "proxy_to__partner")
        .order_by("pk")
    )
    present = [Voice(cast_by=r.seat) for r in rows if r.status == AttendanceStatus.PRESENT]
    proxies = [
        Voice(cast_by=r.proxy_to, proxy_from=r.seat)
        for r in rows
        if r.status == AttendanceStatus.PROXY
    ]
    return present + proxies


@dataclass
class TenantVoter:
    tenant: Tenant | TenantName
    deliberative: bool
    voices: list[Voice] = field(default_factory=list)
    recused: bool = False

    @property
    def represented(self) -> bool:
        return bool(self.voices)


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


#: The columns a seat is named with (`Seat.__str__`, its role), read for the audit of a sheet.
SEAT_FIELDS = (
    "body_id",
    "person_id",
    "partner_id",
    "role",
    "order",
    "person__first_name",
    "person__last_name",
    "person__partner_id",
    "partner__short_name",
)


@dataclass(frozen=True)
class _Presence:
    seat_id: int
    partner_id: int
    proxy_to_id: int | None  # the holder's seat, for a proxy


def _stamp(pks) -> tuple[int, int]:
    pks = list(pks)
    return len(pks), sum(pks)


def attendance_stamp(meeting: Meeting) -> tuple[int, int]:
    """What the voices of a meeting were read from, in one query: the number and sum of the keys
    of its present and proxy rows. The attendance is only ever changed by deleting rows and
    inserting new ones, whose keys are larger than any before: a changed roll call changes this."""
    totals = meeting.attendances.filter(
        status__in=(AttendanceStatus.PRESENT, AttendanceStatus.PROXY)
    ).aggregate(n=Count("pk"), total=Sum("pk"))
    return totals["n"], totals["total"] or 0


class VoteBase:
    """A meeting's tenants, their voting holders and who is present, keyed for lookups.

    The quorum needs only ids and dates, read without a model instance (3 flat queries); the
    voters of a decision need the tenants and seats as rows, read once on first use (2 more).
    """

    def __init__(self, meeting: Meeting):
        self.meeting = meeting
        self.body = body = meeting.body
        self.day = day = timezone.localdate(meeting.starts_at)
        self.deployed, self.holders = _base_of(body, day)
        rows = (
            meeting.attendances.filter(
                status__in=(AttendanceStatus.PRESENT, AttendanceStatus.PROXY)
            )
            .order_by("pk")
            .values_list("seat_id", "seat__partner_id", "status", "proxy_to_id", "pk")
        )
        self._rows = rows = list(rows)
        self.stamp = _stamp(row[-1] for row in rows)
        # The quorum needs only which partners speak: the voices are built on first use.
        self._speaking = {row[1] for row in rows}
        self._in_person = {row[1] for row in rows if row[2] == AttendanceStatus.PRESENT}
        self._voters: dict[int | None, list[TenantVoter]] = {}

    @cached_property
    def _presences(self) -> list[_Presence]:
        present, proxies = [], []
        for seat_id, partner_id, status, proxy_to_id, _pk in self._rows:
            if status == AttendanceStatus.PRESENT:
                present.append(_Presence(seat_id, partner_id, None))
            else:
                proxies.append(_Presence(seat_id, partner_id, proxy_to_id))
        # Voices in order: present seats first, then proxies, each as recorded.
        return present + proxies

    @cached_property
    def _by_partner(self) -> dict[int, list[int]]:
        by_partner: dict[int, list[int]] = {}
        for index, presence in enumerate(self._presences):
            by_partner.setdefault(presence.partner_id, []).append(index)
        return by_partner

    @cached_property
    def tenants(self) -> list[TenantName]:
        return _tenant_names(self.body, self.day, self.deployed)

    @cached_property
    def voices(self) -> list[Voice]:
        # Every seat a voice names has a row here: a proxy's holder is present.
        attending = (
            Seat.objects.filter(
                attendances__meeting=self.meeting,
                attendances__status__in=(AttendanceStatus.PRESENT, AttendanceStatus.PROXY),
            )
            .order_by()
            .values_list(*SEAT_NAME_COLUMNS)
        )
        seats = {row[0]: SeatName.from_row(*row) for row in attending}
        return [
            Voice(cast_by=seats[p.proxy_to_id], proxy_from=seats[p.seat_id])
            if p.proxy_to_id
            else Voice(cast_by=seats[p.seat_id])
            for p in self._presences
        ]

    def voters(self, decision: Decision | None = None) -> list[TenantVoter]:
        """Each tenant, whether it deliberates, who may speak for it.

        A partner concerned by an admission or exclusion is recused: it speaks for no tenant.
        """
        key = decision.pk if decision else None
        if key not in self._voters:  # once per decision: the sheet's checks and its tally
            self._voters[key] = self._voters_of(decision)
        return self._voters[key]

    def _voters_of(self, decision: Decision | None) -> list[TenantVoter]:
        recused = decision.concerned_partner_id if decision else None
        voices = self.voices
        result = []
        for tenant in self.tenants:
            holders = self.holders.get(tenant.pk, frozenset())
            indexes = sorted(
                i for h in holders if h != recused for i in self._by_partner.get(h, ())
            )
            speaking = [voices[i] for i in indexes]
            result.append(
                TenantVoter(
                    tenant=tenant,
                    deliberative=tenant.is_deployed_on(self.day),
                    voices=speaking,
                    recused=bool(recused and recused in holders and not speaking),
                )
            )
        return result

    def quorum(self) -> Quorum:
        body = self.body
        # A tenant is represented when one of its holders is present (or, if proxies count,
        # has given its proxy: the holder of a proxy is present).
        speaking = self._speaking if body.quorum_counts_proxies else self._in_person
        day, holders = self.day, self.holders
        deliberative = [pk for pk, on in self.deployed.items() if on is not None and on <= day]
        represented = sum(1 for pk in deliberative if not speaking.isdisjoint(holders[pk]))
        required = math.ceil(body.quorum * len(deliberative)) if body.quorum is not None else None
        return Quorum(required=required, represented=represented, deliberative=len(deliberative))


def vote_base(meeting: Meeting) -> VoteBase:
    """The vote base of a meeting: 3 queries, then 2 more for the voters of its decisions."""
    return VoteBase(meeting)
