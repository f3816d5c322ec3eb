"""Builders and fixtures for governance tests: bodies, seats, tenants, meetings, attendance, votes.

Everything is built through the services (`body_create`, `seat_add`, `tenant_create`,
`meeting_schedule`, `item_add`, `attendance_record`, `votes_record`), as the application does.

Two entry points:

- `build_committee(...)` (also the `committee_builder` fixture): a body of N partners, each with
  one person seated and one tenant of its own, deployed (deliberative) or not (advisory); a meeting
  in the past and a decision item. Partners are ordered: the deliberative ones first
  (`committee.deliberative[i]`), then the advisory ones (`committee.advisory[i]`).
- `copil` (fixture): a COPIL of the `world` fixture (coordinator, partners A and B seated) with a
  past meeting, partner A's person present, partner B's person excused with a proxy to the
  coordinator's person, and a decision item not yet voted; `copil.cotech_meeting` is a meeting of
  a COTECH where partner B does not sit.

Registered in `tests/conftest.py` by `pytest_plugins = ["tests.governance_fixtures"]`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from governance.models import (
    AgendaItem,
    AttendanceStatus,
    Body,
    BodyKind,
    Decision,
    DecisionKind,
    ItemKind,
    Meeting,
    Seat,
)
from governance.selectors import voters
from governance.services.bodies import body_create, seat_add
from governance.services.meetings import (
    AttendanceEntry,
    attendance_record,
    item_add,
    meeting_schedule,
    meeting_update,
)
from governance.services.votes import BallotEntry, votes_record
from partners import services as partner_services
from partners.models import Consortium, Partner, PartnerStatus, Person, Tenant
from tests.factories import ConventionFactory, PartnerFactory, PersonFactory

PARIS = ZoneInfo("Europe/Paris")
#: A meeting in the past, in a year nobody closed.
MEETING_AT = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=PARIS)
#: Tenants deployed before the meeting vote; the others give an advisory opinion.
DEPLOYED_ON = datetime.date(2025, 1, 1)
OPENED_ON = datetime.date(2024, 1, 1)


@dataclass
class Member:
    """One partner of a committee: its seated person, its seat and its own tenant."""

    partner: Partner
    person: Person
    seat: Seat
    tenant: Tenant

    @property
    def deployed(self) -> bool:
        return self.tenant.deployed_on is not None


@dataclass
class Committee:
    consortium: Consortium
    body: Body
    members: list[Member]
    meeting: Meeting | None = None
    item: AgendaItem | None = None
    decision: Decision | None = None
    outsider: Member | None = None  # a partner of the consortium with no seat in the body

    @property
    def deliberative(self) -> list[Member]:
        return [m for m in self.members if m.deployed]

    @property
    def advisory(self) -> list[Member]:
        return [m for m in self.members if not m.deployed]

    @property
    def seats(self) -> dict[int, Seat]:
        """Seats by partner pk."""
        return {m.partner.pk: m.seat for m in self.members}

    @property
    def tenants(self) -> list[Tenant]:
        return [m.tenant for m in self.members]

    def member(self, partner: Partner) -> Member:
        return next(m for m in self.members if m.partner.pk == partner.pk)

    # --- Steps through the services ---------------------------------------------------------

    def attend(
        self,
        *,
        absent: Iterable[Member] = (),
        excused: Iterable[Member] = (),
        proxies: Iterable[tuple[Member, Member]] = (),
    ):
        """Record attendance: everyone present except the absent, excused and proxy givers.

        `proxies` lists (giver, holder) pairs of Members.
        """
        return attendance_record(
            meeting=self.meeting, entries=attendance_entries(self, absent, excused, proxies)
        )

    def vote(self, ballots: Iterable[tuple]):
        """Record the vote sheet: (member, choice) votes for the member's tenant through its own
        seat; (member, choice, caster) through the caster's seat (a proxy holder)."""
        return votes_record(decision=self.decision, entries=ballot_entries(ballots))


def ballot_entries(ballots: Iterable[tuple]) -> list[BallotEntry]:
    entries = []
    for member, choice, *caster in ballots:
        seat = (caster[0] if caster else member).seat
        entries.append(BallotEntry(tenant=member.tenant, choice=choice, cast_by=seat))
    return entries


def sheet_all(meeting: Meeting, decision: Decision, choice: str = "for") -> list[BallotEntry]:
    """A vote sheet where every tenant with a voice votes `choice`, through its first voice."""
    return [
        BallotEntry(tenant=v.tenant, choice=choice, cast_by=v.voices[0].cast_by)
        for v in voters(meeting, decision)
        if v.voices
    ]


def vote_all(meeting: Meeting, decision: Decision, choice: str = "for") -> Decision:
    """Every tenant with a voice votes `choice`; returns the decision with its outcome."""
    return votes_record(decision=decision, entries=sheet_all(meeting, decision, choice))


def attendance_entries(committee, absent=(), excused=(), proxies=()) -> list[AttendanceEntry]:
    absent_ids = {m.seat.pk for m in absent}
    excused_ids = {m.seat.pk for m in excused}
    proxy_to = {giver.seat.pk: holder.seat for giver, holder in proxies}
    entries = []
    for member in committee.members:
        pk = member.seat.pk
        if pk in proxy_to:
            entries.append(AttendanceEntry(member.seat, AttendanceStatus.PROXY, proxy_to[pk]))
        elif pk in absent_ids:
            entries.append(AttendanceEntry(member.seat, AttendanceStatus.ABSENT))
        elif pk in excused_ids:
            entries.append(AttendanceEntry(member.seat, AttendanceStatus.EXCUSED))
        else:
            entries.append(AttendanceEntry(member.seat, AttendanceStatus.PRESENT))
    return entries


def new_consortium() -> Consortium:
    coordinator = PartnerFactory(name="Département d'Indre-et-Loire", short_name="CD37")
    consortium = coordinator.consortium
    partner_services.consortium_set_coordinator(consortium=consortium, coordinator=coordinator)
    ConventionFactory(consortium=consortium)
    return consortium


def add_member(
    body: Body,
    *,
    code: str,
    deployed: bool = True,
    status: str = PartnerStatus.MEMBER,
    seated: bool = True,
) -> Member:
    """A new partner of the body's consortium, with a person (seated unless told) and a tenant."""
    consortium = body.consortium
    partner = PartnerFactory(
        consortium=consortium, name=f"Commune de {code}", short_name=code, status=status
    )
    person = PersonFactory(partner=partner, last_name=f"Représentant {code}")
    tenant = partner_services.tenant_create(
        consortium=consortium,
        code=code,
        name=f"Tenant {code}",
        opened_on=OPENED_ON,
        deployed_on=DEPLOYED_ON if deployed else None,
        payer=partner,
    )
    seat = seat_add(body=body, person=person) if seated else None
    return Member(partner=partner, person=person, seat=seat, tenant=tenant)


def build_committee(
    *,
    consortium: Consortium | None = None,
    deliberative: int = 15,
    advisory: int = 0,
    kind: str = BodyKind.STEERING,
    meeting_at: datetime.datetime | None = MEETING_AT,
    decision_kind: str = DecisionKind.EVOLUTION,
    concerned: int | None = None,
    concerned_status: str | None = None,
    **body_fields,
) -> Committee:
    """A body with `deliberative` deployed and `advisory` undeployed partners, one tenant each.

    With `meeting_at`, a meeting then with a decision item of `decision_kind`; `concerned` is the
    index (in `members`) of the partner concerned by an admission or exclusion, whose status is
    set to `concerned_status` (default: candidate for an admission).
    """
    consortium = consortium or new_consortium()
    short = {BodyKind.STEERING: "COPIL", BodyKind.TECHNICAL: "COTECH"}[kind]
    body_fields.setdefault("name", f"Comité {short} {consortium.pk}")
    body_fields.setdefault("short_name", short)
    body = body_create(consortium=consortium, kind=kind, **body_fields)
    base = Body.objects.filter(consortium=consortium).count() * 100
    members = [
        add_member(body, code=f"t{base + i:03d}", deployed=i < deliberative)
        for i in range(deliberative + advisory)
    ]
    outsider = add_member(body, code=f"t{base + 99:03d}", seated=False)
    committee = Committee(consortium=consortium, body=body, members=members, outsider=outsider)
    if meeting_at is None:
        return committee
    committee.meeting = meeting_schedule(
        body=body, starts_at=meeting_at, place="Hôtel du Département, Tours"
    )
    meeting_update(meeting=committee.meeting, secretary=members[0].person, chair=members[0].person)
    concerned_partner = None
    if concerned is not None:
        concerned_partner = members[concerned].partner
        status = concerned_status or (
            PartnerStatus.CANDIDATE if decision_kind == DecisionKind.ADMISSION else None
        )
        if status:
            partner_services.partner_save(partner=concerned_partner, status=status)
    committee.item = item_add(
        meeting=committee.meeting,
        title="Adoption de la feuille de route",
        kind=ItemKind.DECISION,
        summary="Présentation par le coordonnateur.",
        motion="Le comité adopte la proposition.",
        decision_kind=decision_kind,
        concerned_partner=concerned_partner,
    )
    committee.decision = committee.item.decision
    return committee


@pytest.fixture
def committee_builder(db):
    """`build_committee` as a fixture, for tests that want several shapes."""
    return build_committee


# --- The COPIL of the `world` fixture, for view and browser tests ----------------------------


@dataclass
class Copil:
    body: Body
    meeting: Meeting
    item: AgendaItem
    decision: Decision
    seats: dict[int, Seat]  # by partner pk: coordinator, partner A, partner B
    people: dict[int, Person]
    tenants: list[Tenant]
    cotech: Body
    cotech_meeting: Meeting  # partner B does not sit in the COTECH

    def seat(self, partner: Partner) -> Seat:
        return self.seats[partner.pk]


@pytest.fixture
def copil(world) -> Copil:
    """World's COPIL: coordinator, A, B seated; a past meeting; A and the coordinator present,
    B excused with a proxy to the coordinator; one decision item (strategy), not yet voted."""
    body = body_create(
        consortium=world.consortium,
        kind=BodyKind.STEERING,
        name="Comité de pilotage",
        short_name="COPIL",
    )
    people, seats = {}, {}
    for partner, last_name in (
        (world.coordinator, "Coordinatrice"),
        (world.partner_a, "Blésois"),
        (world.partner_b, "Agglo"),
    ):
        person = PersonFactory(partner=partner, last_name=last_name, role="dgs")
        people[partner.pk] = person
        seats[partner.pk] = seat_add(body=body, person=person)
    meeting = meeting_schedule(body=body, starts_at=MEETING_AT, place="Hôtel du Département, Tours")
    meeting = meeting_update(
        meeting=meeting,
        chair=people[world.coordinator.pk],
        secretary=people[world.coordinator.pk],
    )
    item_add(meeting=meeting, title="Rapport d'activité", kind=ItemKind.INFORMATION)
    item = item_add(
        meeting=meeting,
        title="Feuille de route 2026",
        kind=ItemKind.DECISION,
        motion="Le COPIL adopte la feuille de route 2026.",
        decision_kind=DecisionKind.STRATEGY,
    )
    attendance_record(
        meeting=meeting,
        entries=[
            AttendanceEntry(seats[world.coordinator.pk], AttendanceStatus.PRESENT),
            AttendanceEntry(seats[world.partner_a.pk], AttendanceStatus.PRESENT),
            AttendanceEntry(
                seats[world.partner_b.pk], AttendanceStatus.PROXY, seats[world.coordinator.pk]
            ),
        ],
    )
    cotech = body_create(
        consortium=world.consortium,
        kind=BodyKind.TECHNICAL,
        name="Comité technique",
        short_name="COTECH",
    )
    for partner in (world.coordinator, world.partner_a):
        seat_add(body=cotech, person=PersonFactory(partner=partner, role="dsi"))
    cotech_meeting = meeting_schedule(
        body=cotech,
        starts_at=MEETING_AT + datetime.timedelta(days=7),
        video_link="https://visio.example.org/cotech",
    )
    item_add(meeting=cotech_meeting, title="Planning des travaux", kind=ItemKind.INFORMATION)
    return Copil(
        body=body,
        meeting=meeting,
        item=item,
        decision=item.decision,
        seats=seats,
        people=people,
        tenants=[
            world.tenant_a,
            world.tenant_b,
            world.tenant_shared,
            world.tenant_coordinator,
        ],
        cotech=cotech,
        cotech_meeting=cotech_meeting,
    )


@dataclass
class Snapshot:
    """Everything a refused write must leave untouched."""

    rows: dict = field(default_factory=dict)

    @classmethod
    def take(cls) -> "Snapshot":
        from governance.models import (
            Attendance,
            ClosedYear,
            Vote,
        )

        return cls(
            rows={
                "meetings": sorted(
                    Meeting.objects.values_list(
                        "pk", "starts_at", "place", "secretary_id", "minutes_closed_at"
                    )
                ),
                "items": sorted(AgendaItem.objects.values_list("pk", "title", "summary")),
                "decisions": sorted(
                    Decision.objects.values_list(
                        "pk",
                        "motion",
                        "kind",
                        "result",
                        "votes_for",
                        "votes_against",
                        "abstentions",
                        "base",
                        "rule",
                    )
                ),
                "attendances": sorted(
                    Attendance.objects.values_list("meeting_id", "seat_id", "status", "proxy_to_id")
                ),
                "votes": sorted(
                    Vote.objects.values_list(
                        "decision_id", "tenant_id", "choice", "is_advisory", "cast_by_id"
                    )
                ),
                "closed_years": sorted(ClosedYear.objects.values_list("consortium_id", "year")),
                "partners": sorted(Partner.objects.values_list("pk", "status")),
            }
        )
