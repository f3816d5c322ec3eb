"""The demo consortium's governance year: a COPIL, a COTECH, meetings, votes and actions.

Built through the services, as a secretary would record it. Idempotent: does nothing once the
COPIL exists.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from governance import selectors
from governance.models import (
    ActionStatus,
    AttendanceStatus,
    Body,
    BodyKind,
    DecisionKind,
    ItemKind,
    VoteChoice,
)
from governance.services import bodies, meetings, votes
from ligeris.lib import demo_clock
from partners.models import Consortium, Partner, Person, PersonRole

PARIS = ZoneInfo("Europe/Paris")
COPIL_NAME = "Comité de pilotage Ligeris"

#: Who is excused, and to whom they give their proxy (by partner short name).
COPIL_PROXIES = {"Loiret": "Cher", "Tours": "Tours Métropole"}
COPIL_EXCUSED = {"Eure-et-Loir"}
COPIL_ABSENT = {"CCAS de Chartres"}
#: Tenants voting against the platform migration at the COPIL (two-thirds reached anyway).
MIGRATION_AGAINST = {"cd41", "cd45", "tours-metropole"}


def _seat_all(body, people: list[Person]):
    return [bodies.seat_add(body=body, person=p, order=rank) for rank, p in enumerate(people, 1)]


def _at(day: str, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=PARIS
    )


def _protocol_rank(partner: Partner) -> tuple:
    """The coordinator first, then the Région, then the partners in the convention's order."""
    return (partner.pk != partner.consortium.coordinator_id, partner.kind != "region", partner.pk)


def _people(consortium: Consortium, roles: tuple[str, ...]) -> list[Person]:
    """One person per partner for the body, in protocol order: the first holding one of `roles`,
    else anyone."""
    chosen = []
    partners = sorted(consortium.partners.select_related("consortium"), key=_protocol_rank)
    for partner in partners:
        people = list(partner.people.filter(is_active=True).order_by("pk"))
        matching = [p for p in people if p.role in roles] or people[:1]
        chosen.extend(matching[:1])
    return chosen


def _attend(meeting, seats, *, proxies=None, excused=(), absent=()):
    by_partner = {seat.partner.short_name: seat for seat in seats}
    proxies = proxies or {}
    entries = []
    for seat in seats:
        name = seat.partner.short_name
        if name in proxies:
            entries.append(
                meetings.AttendanceEntry(seat, AttendanceStatus.PROXY, by_partner[proxies[name]])
            )
        elif name in excused:
            entries.append(meetings.AttendanceEntry(seat, AttendanceStatus.EXCUSED))
        elif name in absent:
            entries.append(meetings.AttendanceEntry(seat, AttendanceStatus.ABSENT))
        else:
            entries.append(meetings.AttendanceEntry(seat, AttendanceStatus.PRESENT))
    meetings.attendance_record(meeting=meeting, entries=entries)


def _vote(item, choices: dict[str, str], default: str = VoteChoice.FOR):
    decision = item.decision
    entries = [
        votes.BallotEntry(
            tenant=voter.tenant,
            choice=choices.get(voter.tenant.code, default),
            cast_by=voter.voices[0].cast_by,
        )
        for voter in selectors.voters(item.meeting, decision)
        if voter.voices
    ]
    votes.votes_record(decision=decision, entries=entries)


def _person(consortium, last_name: str) -> Person:
    return Person.objects.get(partner__consortium=consortium, last_name=last_name)


@transaction.atomic
def load_demo_governance(consortium: Consortium) -> None:
    if Body.objects.filter(consortium=consortium, name=COPIL_NAME).exists():
        return
    chair, secretary = _person(consortium, "Lemoine"), _person(consortium, "Dumontet")
    copil = bodies.body_create(
        consortium=consortium,
        kind=BodyKind.STEERING,
        name=COPIL_NAME,
        short_name="COPIL",
        numbers_deliberations=True,
    )
    cotech = bodies.body_create(
        consortium=consortium,
        kind=BodyKind.TECHNICAL,
        name="Comité technique Ligeris",
        short_name="COTECH",
        notice_days=10,
    )
    copil_seats = _seat_all(
        copil, _people(consortium, (PersonRole.DGS, PersonRole.DSI, PersonRole.ARCHIVES))
    )
    cotech_seats = _seat_all(
        cotech,
        _people(consortium, (PersonRole.ARCHIVES, PersonRole.DSI, PersonRole.PROJECT_AGENT)),
    )

    # COPIL of March, convened by letter and entered afterwards: closed minutes, one consensus,
    # one two-thirds majority; the COPIL numbers its deliberations.
    meeting = meetings.meeting_schedule(
        body=copil,
        starts_at=_at("2026-03-12", 14),
        place_preposition="à l'",
        place="Hôtel du Département, Tours",
        chair=chair,
        chair_title="Directeur général des services du Département d'Indre-et-Loire",
        secretary=secretary,
        convened_at=_at("2026-02-20", 9),
    )
    meetings.item_add(
        meeting=meeting,
        title="Bilan d'activité 2025",
        kind=ItemKind.INFORMATION,
        summary="Le coordonnateur présente le bilan : 13 tenants, 14,3 To archivés.",
    )
    roadmap = meetings.item_add(
        meeting=meeting,
        title="Feuille de route 2026",
        kind=ItemKind.DECISION,
        motion="Le comité adopte la feuille de route 2026 présentée par le coordonnateur.",
        decision_kind=DecisionKind.STRATEGY,
        summary="Échanges sur le calendrier des versements et la formation des services.",
        number="2026-01",
    )
    migration = meetings.item_add(
        meeting=meeting,
        title="Migration vers la version 3 de la plateforme",
        kind=ItemKind.DECISION,
        motion="Le comité approuve la migration de la plateforme en version 3 au second semestre.",
        decision_kind=DecisionKind.EVOLUTION,
        summary="Trois partenaires souhaitent attendre la fin de leurs versements en cours.",
        number="2026-02",
    )
    # Entered the evening of the meeting, closed a week later, the action done in April.
    with demo_clock.at("2026-03-12 18:00"):
        _attend(
            meeting, copil_seats, proxies=COPIL_PROXIES, excused=COPIL_EXCUSED, absent=COPIL_ABSENT
        )
        _vote(roadmap, {"tours": VoteChoice.ABSTAIN})
        _vote(migration, dict.fromkeys(MIGRATION_AGAINST, VoteChoice.AGAINST))
        meetings.action_create(
            item=migration,
            title="Rédiger le cahier des charges de la migration en version 3",
            owner=_person(consortium, "Bréval"),
            due_on=datetime.date(2026, 9, 30),
        )
        diffusion = meetings.action_create(
            item=roadmap,
            title="Diffuser la feuille de route aux directions générales",
            owner=chair,
            due_on=datetime.date(2026, 4, 15),
        )
    with demo_clock.at("2026-03-19 10:00"):
        meetings.minutes_close(meeting=meeting)
    with demo_clock.at("2026-04-02 16:00"):
        meetings.action_update(
            action=diffusion, status=ActionStatus.DONE, done_on=datetime.date(2026, 4, 2)
        )

    # COTECH: two meetings held this year (one short of its minimum), one to come.
    for day, title in (
        ("2026-02-05", "Planning des versements du premier semestre"),
        ("2026-06-18", "Plan de classement commun"),
    ):
        starts_at = _at(day, 10)
        held = meetings.meeting_schedule(
            body=cotech,
            starts_at=starts_at,
            video_link="https://visio.example.org/ligeris-cotech",
            chair=secretary,
            secretary=_person(consortium, "Bréval"),
            convened_at=starts_at - datetime.timedelta(days=14),
        )
        meetings.item_add(meeting=held, title=title, kind=ItemKind.INFORMATION)
        with demo_clock.at(starts_at + datetime.timedelta(hours=3)):
            _attend(held, cotech_seats)
        with demo_clock.at(starts_at + datetime.timedelta(days=7)):
            meetings.minutes_close(meeting=held)
    upcoming = meetings.meeting_schedule(
        body=cotech,
        starts_at=_at("2026-12-10", 10),
        place_preposition="aux",
        place="Archives départementales d'Indre-et-Loire, Chambray-lès-Tours",
        chair=secretary,
    )
    meetings.item_add(meeting=upcoming, title="Bilan de la migration", kind=ItemKind.INFORMATION)
    meetings.item_add(
        meeting=upcoming,
        title="Groupe de travail « Formats de fichiers »",
        kind=ItemKind.DECISION,
        motion="Le comité crée un groupe de travail sur les formats de fichiers acceptés.",
        decision_kind=DecisionKind.OTHER,
    )
