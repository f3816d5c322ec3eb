"""A generated consortium's governance: a COPIL and a COTECH of one seat per partner, meetings
over the years with their attendance, proxies, tenant votes and closed minutes.

Bodies, meetings, agenda items and closings go through the services. Seats, attendance and
votes are thousands of rows per meeting: they are written in bulk, as the services would write
them (one proxy per holder, to a present seat; each represented tenant votes once, by a present
seat of one of its holders or by the holder of their proxy; advisory before deployment), and
each decision's outcome is counted by the vote rule itself (`governance.voting`). Every meeting
is closed a week after it was held, but the last one, left open.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from governance import voting
from governance.models import (
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Decision,
    DecisionKind,
    DecisionResult,
    ItemKind,
    Meeting,
    Seat,
    Vote,
    VoteChoice,
)
from governance.services import bodies, meetings, votes
from ligeris.lib import demo_clock
from partners.generate import GeneratedConsortium
from partners.models import PersonRole, Tenant

PARIS = ZoneInfo("Europe/Paris")
BATCH_SIZE = 2000
#: Attendance: present, proxy, excused; the rest absent.
PRESENT, PROXY, EXCUSED = 0.80, 0.08, 0.07
DECISIONS = (
    (DecisionKind.STRATEGY, "Feuille de route", "Le comité adopte la feuille de route."),
    (
        DecisionKind.EVOLUTION,
        "Montée de version de la plateforme",
        "Le comité approuve la montée de version de la plateforme.",
    ),
)


def _bodies(generated: GeneratedConsortium, seats: int) -> list[tuple[Body, list[Seat]]]:
    consortium = generated.consortium
    result = []
    for kind, name, short, role in (
        (BodyKind.STEERING, "Comité de pilotage", "COPIL", PersonRole.DGS),
        (BodyKind.TECHNICAL, "Comité technique", "COTECH", PersonRole.ARCHIVES),
    ):
        body = bodies.body_create(consortium=consortium, kind=kind, name=name, short_name=short)
        people = [generated.people[p.pk][role] for p in generated.partners[:seats]]
        created = Seat.objects.bulk_create(
            [
                Seat(body=body, person=person, partner_id=person.partner_id, role=role, order=rank)
                for rank, person in enumerate(people, start=1)
            ],
            batch_size=BATCH_SIZE,
        )
        result.append((body, created))
    return result


def _dates(first_day: datetime.date, count: int) -> list[datetime.datetime]:
    """`count` meeting dates at 14:00, evenly from a month after the convention to a week ago."""
    start = first_day + datetime.timedelta(days=30)
    end = timezone.localdate() - datetime.timedelta(days=7)
    step = (end - start) / max(count - 1, 1)
    return [
        datetime.datetime.combine(start + step * i, datetime.time(14), tzinfo=PARIS)
        for i in range(count)
    ]


def _attendance(meeting: Meeting, seats: list[Seat], rng: random.Random) -> list[Attendance]:
    status = {}
    for seat in seats:
        draw = rng.random()
        status[seat.pk] = (
            AttendanceStatus.PRESENT
            if draw < PRESENT
            else AttendanceStatus.PROXY
            if draw < PRESENT + PROXY
            else AttendanceStatus.EXCUSED
            if draw < PRESENT + PROXY + EXCUSED
            else AttendanceStatus.ABSENT
        )
    present = [s for s in seats if status[s.pk] == AttendanceStatus.PRESENT]
    rng.shuffle(present)
    rows = []
    for seat in seats:
        holder = None
        if status[seat.pk] == AttendanceStatus.PROXY:
            holder = present.pop() if present else None  # one proxy per present seat
            if holder is None:
                status[seat.pk] = AttendanceStatus.EXCUSED
        rows.append(Attendance(meeting=meeting, seat=seat, status=status[seat.pk], proxy_to=holder))
    return Attendance.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _voters(meeting, attendance, tenants, holders) -> list[tuple[Tenant, Seat, Seat | None]]:
    """Each tenant open on the meeting day with a voice: (tenant, cast_by, proxy_from)."""
    day = timezone.localdate(meeting.starts_at)
    present = {
        a.seat.partner_id: a.seat for a in attendance if a.status == AttendanceStatus.PRESENT
    }
    by_proxy = {
        a.seat.partner_id: (a.proxy_to, a.seat)
        for a in attendance
        if a.status == AttendanceStatus.PROXY
    }
    result = []
    for tenant in tenants:
        if tenant.opened_on > day or (tenant.closed_on and tenant.closed_on <= day):
            continue
        for partner_id in holders[tenant.pk]:  # the payer first
            if partner_id in present:
                result.append((tenant, present[partner_id], None))
                break
        else:
            proxy = next((by_proxy[p] for p in holders[tenant.pk] if p in by_proxy), None)
            if proxy is not None:
                result.append((tenant, *proxy))
    return result


def _deliberative(tenants, holders, seats, day: datetime.date) -> int:
    """How many tenants deliberate in the body on `day`: open, deployed, held by a seat."""
    seated = {s.partner_id for s in seats}
    return sum(
        1
        for t in tenants
        if t.opened_on <= day
        and not (t.closed_on and t.closed_on <= day)
        and t.is_deployed_on(day)
        and seated.intersection(holders[t.pk])
    )


def _vote(decision: Decision, body: Body, voters, deliberative: int, rng: random.Random) -> int:
    day = timezone.localdate(decision.item.meeting.starts_at)
    against = rng.uniform(0.0, 0.15)
    rows, ballots = [], []
    for tenant, cast_by, proxy_from in voters:
        draw = rng.random()
        choice = (
            VoteChoice.AGAINST
            if draw < against
            else VoteChoice.ABSTAIN
            if draw < against + 0.05
            else VoteChoice.FOR
        )
        advisory = not tenant.is_deployed_on(day)
        rows.append(
            Vote(
                decision=decision,
                tenant=tenant,
                choice=choice,
                is_advisory=advisory,
                cast_by=cast_by,
                proxy_from=proxy_from,
            )
        )
        ballots.append(voting.Ballot(tenant=str(tenant.pk), choice=choice, advisory=advisory))
    Vote.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    outcome = voting.count(
        ballots,
        base_rule=body.majority_base,
        present=sum(1 for t, _s, _p in voters if t.is_deployed_on(day)),
        deliberative=deliberative,
        abstention_breaks_consensus=body.abstention_breaks_consensus,
    )
    Decision.objects.filter(pk=decision.pk).update(
        result=outcome.result if ballots else DecisionResult.PENDING,
        votes_for=outcome.votes_for,
        votes_against=outcome.votes_against,
        abstentions=outcome.abstentions,
        base=outcome.base,
        rule=votes.rule_text(outcome, body.majority_base) if ballots else "",
    )
    return len(rows)


def generate_meetings(
    *, generated: GeneratedConsortium, meetings_count: int, seats: int, rng: random.Random
) -> dict[str, int]:
    """Two bodies of `seats` seats; `meetings_count` meetings, one in three a COPIL."""
    (copil, copil_seats), (cotech, cotech_seats) = _bodies(generated, seats)
    tenants = sorted(generated.tenants, key=lambda t: t.code)
    chair = generated.people[generated.partners[0].pk][PersonRole.DGS]
    secretary = generated.people[generated.partners[0].pk][PersonRole.ARCHIVES]
    counts = {"meetings": 0, "attendances": 0, "votes": 0}
    dates = _dates(generated.first_day, meetings_count)
    for index, starts_at in enumerate(dates):
        body, body_seats = (copil, copil_seats) if index % 3 == 0 else (cotech, cotech_seats)
        with demo_clock.at(starts_at - datetime.timedelta(days=20)):
            meeting = meetings.meeting_schedule(
                body=body,
                starts_at=starts_at,
                place_preposition="à l'",
                place="Hôtel du Département, Tours",
                chair=chair,
                secretary=secretary,
                convened_at=starts_at - datetime.timedelta(days=20),
            )
            meetings.item_add(meeting=meeting, title="Bilan d'activité", kind=ItemKind.INFORMATION)
            items = [
                meetings.item_add(
                    meeting=meeting,
                    title=f"{title} ({starts_at:%m/%Y})",
                    kind=ItemKind.DECISION,
                    motion=motion,
                    decision_kind=kind,
                )
                for kind, title, motion in DECISIONS
            ]
        attendance = _attendance(meeting, body_seats, rng)
        voters = _voters(meeting, attendance, tenants, generated.holders)
        day = timezone.localdate(starts_at)
        deliberative = _deliberative(tenants, generated.holders, body_seats, day)
        for item in items:
            counts["votes"] += _vote(item.decision, body, voters, deliberative, rng)
        counts["meetings"] += 1
        counts["attendances"] += len(attendance)
        if index < len(dates) - 1 and voters:  # a decision without a vote stays open
            with demo_clock.at(starts_at + datetime.timedelta(days=7)):
                meetings.minutes_close(meeting=meeting)
    return counts
