"""Builders for exclusion tests, through the services as the application does.

`exclusion_copil(world)`: a COPIL of the world (coordinator, A and B seated, all present) that
numbers its deliberations, with a meeting on 15 June 2026. `decide(case, ...)`: put the case on
that meeting's agenda, every voice votes for, the minutes close.
"""

import datetime
from dataclasses import dataclass

from governance.models import AttendanceStatus, Body, BodyKind, Meeting
from governance.services.bodies import body_create, seat_add
from governance.services.meetings import (
    AttendanceEntry,
    attendance_record,
    meeting_schedule,
    meeting_update,
    minutes_close,
)
from membership.models import ExclusionCase, ExclusionGround
from membership.services import exclusion as services
from tests.factories import PersonFactory
from tests.governance_fixtures import PARIS, vote_all

EXCLUSION_MEETING_AT = datetime.datetime(2026, 6, 15, 14, 0, tzinfo=PARIS)


@dataclass
class ExclusionCopil:
    body: Body
    meeting: Meeting
    seats: dict


def exclusion_copil(world) -> ExclusionCopil:
    body = body_create(
        consortium=world.consortium,
        kind=BodyKind.STEERING,
        name="Comité de pilotage",
        short_name="COPIL",
        numbers_deliberations=True,
    )
    seats = {}
    for partner, last_name in (
        (world.coordinator, "Coordinatrice"),
        (world.partner_a, "Blésois"),
        (world.partner_b, "Agglo"),
    ):
        seats[partner.pk] = seat_add(
            body=body, person=PersonFactory(partner=partner, last_name=last_name, role="dgs")
        )
    meeting = meeting_schedule(
        body=body, starts_at=EXCLUSION_MEETING_AT, place="Hôtel du Département, Tours"
    )
    chair = seats[world.coordinator.pk].person
    meeting = meeting_update(meeting=meeting, chair=chair, secretary=chair)
    attendance_record(
        meeting=meeting,
        entries=[AttendanceEntry(seat, AttendanceStatus.PRESENT) for seat in seats.values()],
    )
    return ExclusionCopil(body=body, meeting=meeting, seats=seats)


def decide(case: ExclusionCase, copil: ExclusionCopil, number: str = "2026-07") -> ExclusionCase:
    if case.decision_id is None:
        case = services.exclusion_schedule(case=case, meeting=copil.meeting, number=number)
    vote_all(copil.meeting, case.decision)
    minutes_close(meeting=copil.meeting)
    case.refresh_from_db()
    return case


def decided_case_of_a(world, *, received_on: datetime.date | None = None) -> ExclusionCase:
    """Partner A excluded for another breach by the COPIL of 15 June 2026."""
    copil = exclusion_copil(world)
    case = services.exclusion_open(
        partner=world.partner_a,
        ground=ExclusionGround.OTHER,
        breach="Défaut de désignation d'un référent archives depuis le 1er janvier 2026.",
        opened_on=datetime.date(2026, 5, 4),
    )
    case = decide(case, copil)
    if received_on:
        case = services.exclusion_receipt_record(case=case, received_on=received_on)
    return case
