"""Once the minutes are closed, the meeting, its decisions and its votes are history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    DecisionKind,
    DecisionResult,
    ItemKind,
    Vote,
)
from governance.services.meetings import (
    AttendanceEntry,
    attendance_record,
    convocation_send,
    item_add,
    item_update,
    meeting_schedule,
    meeting_update,
    minutes_close,
)
from governance.services.votes import BallotEntry, vote_cast, votes_record
from tests.governance_fixtures import MEETING_AT, Snapshot

CLOSED = "Le procès-verbal de cette séance est clos"


@pytest.fixture
def closed(world, copil):
    """The COPIL meeting with its decision voted and its minutes closed."""
    coordinator = copil.seat(world.coordinator)
    votes_record(
        decision=copil.decision,
        entries=[
            BallotEntry(world.tenant_coordinator, "for", coordinator),
            BallotEntry(world.tenant_a, "for", copil.seat(world.partner_a)),
            BallotEntry(world.tenant_b, "against", coordinator),  # by B's proxy, advisory
        ],
    )
    minutes_close(meeting=copil.meeting)
    copil.meeting.refresh_from_db()
    copil.decision.refresh_from_db()
    return copil


def _refused(action, message=CLOSED):
    before = Snapshot.take()
    with pytest.raises(ValidationError) as refused:
        action()
    assert message in " ".join(refused.value.messages)
    assert Snapshot.take() == before


def test_the_closed_meeting_is_as_voted(world, closed):
    assert closed.meeting.is_closed
    assert closed.decision.result == DecisionResult.CONSENSUS
    assert (closed.decision.votes_for, closed.decision.votes_against) == (2, 0)
    vote_b = Vote.objects.get(decision=closed.decision, tenant=world.tenant_b)
    assert vote_b.is_advisory
    assert vote_b.proxy_from_id == closed.seat(world.partner_b).pk


# --- Through the services ---------------------------------------------------------------------


def test_votes_record_is_refused(world, closed):
    entries = [BallotEntry(world.tenant_coordinator, "against", closed.seat(world.coordinator))]
    _refused(lambda: votes_record(decision=closed.decision, entries=entries))


def test_vote_cast_is_refused(world, closed):
    _refused(
        lambda: vote_cast(
            decision=closed.decision,
            tenant=world.tenant_shared,
            choice="against",
            cast_by=closed.seat(world.partner_a),
        )
    )


def test_item_update_is_refused(closed):
    _refused(
        lambda: item_update(
            item=closed.item,
            title="Feuille de route réécrite",
            motion="Autre chose.",
            decision_kind=DecisionKind.STRATEGY,
        )
    )


def test_item_add_is_refused(closed):
    _refused(
        lambda: item_add(meeting=closed.meeting, title="Point ajouté", kind=ItemKind.INFORMATION)
    )


def test_attendance_record_is_refused(world, closed):
    entries = [
        AttendanceEntry(closed.seat(p), AttendanceStatus.ABSENT)
        for p in (world.coordinator, world.partner_a, world.partner_b)
    ]
    _refused(lambda: attendance_record(meeting=closed.meeting, entries=entries))


def test_meeting_update_is_refused(closed):
    _refused(lambda: meeting_update(meeting=closed.meeting, place="Ailleurs"))


def test_meeting_update_of_a_stale_instance_is_refused(copil, world):
    """A meeting object loaded before the closing still sees it: the service re-reads the row."""
    stale = copil.meeting
    votes_record(
        decision=copil.decision,
        entries=[BallotEntry(world.tenant_a, "for", copil.seat(world.partner_a))],
    )
    from governance.models import Meeting

    minutes_close(meeting=Meeting.objects.get(pk=stale.pk))
    assert stale.minutes_closed_at is None  # stale in memory
    _refused(lambda: meeting_update(meeting=stale, place="Ailleurs"))


def test_convocation_is_refused(closed):
    _refused(lambda: convocation_send(meeting=closed.meeting))


def test_closing_twice_is_refused(closed):
    _refused(lambda: minutes_close(meeting=closed.meeting))


# --- Through the ORM --------------------------------------------------------------------------

ORM_MESSAGE = "Le procès-verbal de cette séance est clos : rien n'y change."


def test_vote_save_is_refused(world, closed):
    vote = Vote.objects.get(decision=closed.decision, tenant=world.tenant_a)
    vote.choice = "against"
    _refused(vote.save, ORM_MESSAGE)
    assert Vote.objects.get(pk=vote.pk).choice == "for"


def test_vote_delete_is_refused(closed):
    vote = Vote.objects.filter(decision=closed.decision).first()
    _refused(vote.delete, ORM_MESSAGE)
    assert Vote.objects.filter(pk=vote.pk).exists()


def test_new_vote_row_is_refused(world, closed):
    vote = Vote(
        decision=closed.decision,
        tenant=world.tenant_shared,
        choice="against",
        cast_by=closed.seat(world.partner_a),
    )
    _refused(vote.save, ORM_MESSAGE)


def test_decision_save_is_refused(closed):
    decision = closed.decision
    decision.result = DecisionResult.REJECTED
    decision.motion = "Réécrite après coup."
    _refused(decision.save, ORM_MESSAGE)
    decision.refresh_from_db()
    assert decision.result == DecisionResult.CONSENSUS


def test_decision_delete_is_refused(closed):
    _refused(closed.decision.delete, ORM_MESSAGE)


def test_attendance_and_item_rows_are_refused(closed):
    attendance = Attendance.objects.filter(meeting=closed.meeting).first()
    attendance.status = AttendanceStatus.ABSENT
    _refused(attendance.save, ORM_MESSAGE)
    item = AgendaItem.objects.get(pk=closed.item.pk)
    item.title = "Autre titre"
    _refused(item.save, ORM_MESSAGE)
    _refused(item.delete, ORM_MESSAGE)


# --- Closing ----------------------------------------------------------------------------------


def test_closing_with_a_pending_decision_is_refused(copil):
    _refused(
        lambda: minutes_close(meeting=copil.meeting),
        "Le point « Feuille de route 2026 » n'a pas été voté.",
    )


def test_closing_without_secretary_or_attendance_is_refused(world, copil):
    meeting = meeting_schedule(
        body=copil.body, starts_at=MEETING_AT + datetime.timedelta(days=30), place="Tours"
    )
    item_add(meeting=meeting, title="Informations", kind=ItemKind.INFORMATION)
    before = Snapshot.take()
    with pytest.raises(ValidationError) as refused:
        minutes_close(meeting=meeting)
    messages = refused.value.messages
    assert "Les présences ne sont pas enregistrées." in messages
    assert "Désignez le secrétaire de séance." in messages
    assert Snapshot.take() == before


def test_closing_a_meeting_yet_to_come_is_refused(world, copil):
    meeting = meeting_schedule(
        body=copil.body,
        starts_at=datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=30),
        place="Tours",
    )
    meeting_update(meeting=meeting, secretary=copil.people[world.coordinator.pk])
    # Its attendance cannot be recorded before it either (tests/test_governance_dates.py).
    _refused(lambda: minutes_close(meeting=meeting), "La séance n'a pas encore eu lieu.")


def test_other_meetings_stay_open(world, closed):
    """Closing one meeting's minutes locks that meeting only."""
    other = meeting_schedule(
        body=closed.body, starts_at=MEETING_AT + datetime.timedelta(days=60), place="Blois"
    )
    item = item_add(meeting=other, title="Point", kind=ItemKind.INFORMATION)
    meeting_update(meeting=other, place="Tours")
    assert item.pk and AgendaItem.objects.filter(meeting=other).count() == 1


# --- The action plan follows the closed minutes -------------------------------------------------


def test_actions_are_followed_after_the_minutes_are_closed(world, closed, monkeypatch):
    from governance.models import ActionStatus
    from governance.selectors import actions_overdue
    from governance.services.meetings import action_create, action_update

    owner = closed.people[world.partner_a.pk]
    late = action_create(
        item=closed.item,
        title="Diffuser la feuille de route",
        owner=owner,
        due_on=datetime.date(2026, 4, 1),
    )
    later = action_create(
        item=closed.item, title="Bilan", owner=owner, due_on=datetime.date(2026, 6, 1)
    )

    today = datetime.date(2026, 5, 2)
    assert list(actions_overdue(today=today)) == [late]

    monkeypatch.setattr(
        "governance.services.meetings.timezone.localdate", lambda *args, **kwargs: today
    )
    action_update(action=late, status=ActionStatus.DONE)
    late.refresh_from_db()
    assert (late.status, late.done_on) == (ActionStatus.DONE, today)
    assert list(actions_overdue(today=datetime.date(2026, 7, 1))) == [later]
