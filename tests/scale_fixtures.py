"""Large governance fixtures built in bulk, for the tests that count queries at scale.

`bulk_committee(size)` gives a COPIL of `size` partners (one person seated each), one tenant per
partner (one in ten not yet deployed) and one tenant shared by two partners every ten partners;
a past meeting with two decision items; the attendance recorded through the service (one in
seven seats excused with a proxy to the seat before it, about one in thirteen absent).
Rows are inserted with `bulk_create` (the services would take minutes at 2,000 seats); what the
tests measure (attendance, votes, pages) goes through the services and views.
"""

import itertools
from dataclasses import dataclass

from django.db import connection

from governance.models import AttendanceStatus, Body, BodyKind, DecisionKind, ItemKind, Meeting
from governance.models import Seat as SeatModel
from governance.services.bodies import body_create
from governance.services.meetings import (
    AttendanceEntry,
    attendance_record,
    item_add,
    meeting_schedule,
)
from partners.models import Holding, Partner, PartnerKind, PartnerStatus, Person, Tenant
from partners.services import partners_bulk_create
from tests.factories import valid_siret
from tests.governance_fixtures import DEPLOYED_ON, MEETING_AT, OPENED_ON, new_consortium

_offsets = itertools.count(1)


@dataclass
class BulkCommittee:
    body: Body
    meeting: Meeting
    seats: list[SeatModel]
    tenants: list[Tenant]
    deployed: int  # deliberative tenants
    represented: int  # deliberative tenants with a voice present


def analyze() -> None:
    """What autovacuum does after a bulk load, on PostgreSQL: without statistics it plans the
    joins of tables it believes empty (nested loops over thousands of rows, for minutes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _entries(seats: list[SeatModel]) -> list[AttendanceEntry]:
    entries = []
    for index, seat in enumerate(seats):
        if index % 7 == 6:
            entries.append(AttendanceEntry(seat, AttendanceStatus.PROXY, seats[index - 1]))
        elif _absent(index):
            entries.append(AttendanceEntry(seat, AttendanceStatus.ABSENT))
        else:
            entries.append(AttendanceEntry(seat, AttendanceStatus.PRESENT))
    return entries


def _absent(index: int) -> bool:
    """One in thirteen, never a proxy giver (index % 7 == 6) nor its holder (index − 1)."""
    return index % 13 == 12 and index % 7 not in (5, 6)


def _represented(size: int) -> set[int]:
    """Indexes of partners with a voice: all but the absent."""
    return {i for i in range(size) if not _absent(i)}


def bulk_committee(size: int, *, quorum: str = "0.5") -> BulkCommittee:
    consortium = new_consortium()
    body = body_create(
        consortium=consortium,
        kind=BodyKind.STEERING,
        name=f"COPIL de {size} membres",
        short_name="COPIL",
        quorum=quorum,
    )
    offset = next(_offsets) * 100_000
    partners = partners_bulk_create(
        Partner(
            consortium=consortium,
            name=f"Commune n° {offset + i}",
            short_name=f"C{offset + i}",
            kind=PartnerKind.COMMUNE,
            siret=valid_siret(offset + i),
            address="1 place de la Mairie",
            postal_code="37000",
            city="Tours",
            representative_name="M. Jean Dupont",
            representative_title="Maire",
            status=PartnerStatus.MEMBER,
        )
        for i in range(size)
    )
    people = Person.objects.bulk_create(
        Person(
            partner=p,
            first_name="Claire",
            last_name=f"Martin{offset + i:06d}",
            role="dgs",
            email=f"m{offset + i}@example.org",
        )
        for i, p in enumerate(partners)
    )
    own = [
        Tenant(
            consortium=consortium,
            code=f"t{offset + i:06d}",
            name=f"Tenant {offset + i}",
            opened_on=OPENED_ON,
            deployed_on=None if i % 10 == 9 else DEPLOYED_ON,
        )
        for i in range(size)
    ]
    shared = [
        Tenant(
            consortium=consortium,
            code=f"s{offset + i:06d}",
            name=f"Partagé {offset + i}",
            opened_on=OPENED_ON,
            deployed_on=DEPLOYED_ON,
        )
        for i in range(0, size - 1, 10)
    ]
    tenants = Tenant.objects.bulk_create(own + shared)
    own, shared = tenants[:size], tenants[size:]
    holdings = [
        Holding(partner=p, tenant=t, is_payer=True) for p, t in zip(partners, own, strict=True)
    ]
    for n, tenant in enumerate(shared):
        first, second = partners[n * 10], partners[n * 10 + 1]
        holdings += [
            Holding(partner=first, tenant=tenant, is_payer=True),
            Holding(partner=second, tenant=tenant, is_payer=False),
        ]
    Holding.objects.bulk_create(holdings)
    seats = SeatModel.objects.bulk_create(
        SeatModel(body=body, person=person, partner=person.partner, role="dgs", order=i + 1)
        for i, person in enumerate(people)
    )
    meeting = meeting_schedule(body=body, starts_at=MEETING_AT, place="Hôtel du Département")
    for title in ("Feuille de route", "Budget"):
        item_add(
            meeting=meeting,
            title=title,
            kind=ItemKind.DECISION,
            motion="Le comité adopte.",
            decision_kind=DecisionKind.EVOLUTION,
        )
    attendance_record(meeting=meeting, entries=_entries(seats))
    analyze()
    voiced = _represented(size)
    deployed = [i for i in range(size) if i % 10 != 9]
    # A shared tenant (partners 10n and 10n+1) is represented when either holder has a voice.
    represented = sum(1 for i in deployed if i in voiced) + sum(
        1 for n in range(len(shared)) if {n * 10, n * 10 + 1} & voiced
    )
    return BulkCommittee(
        body=body,
        meeting=meeting,
        seats=seats,
        tenants=tenants,
        deployed=len(deployed) + len(shared),
        represented=represented,
    )
