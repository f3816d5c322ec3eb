"""Secretaries recording at the same moment: one vote per tenant, nothing lands after closing."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from governance.models import Decision, Meeting, Seat, Vote
from governance.services import meetings as meeting_services
from governance.services import votes as vote_services
from tests.conftest import ON_POSTGRES
from tests.governance_fixtures import sheet_all, vote_all
from tests.races import unscoped_thread

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="row locks are PostgreSQL's (run by the PostgreSQL half)"
    ),
]


def _race(count: int, work) -> list[str]:
    """Run `work(i)` for i in range(count) at the same moment; each one's outcome, by i."""
    barrier = threading.Barrier(count)
    outcomes = [""] * count

    def run(index):
        try:
            barrier.wait(timeout=10)
            work(index)
            outcomes[index] = "ok"
        except Exception as error:
            outcomes[index] = type(error).__name__
        finally:
            connection.close()

    threads = [unscoped_thread(run, i) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _refused_by_the_database(statements) -> None:
    for sql, params in statements:
        with (
            pytest.raises(IntegrityError, match="clos"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)


def test_concurrent_votes_for_one_tenant_record_exactly_one(transactional_db, copil, world):
    seat_pk = copil.seats[world.partner_a.pk].pk
    decision_pk, tenant = copil.decision.pk, world.tenant_a

    def cast(index):
        vote_services.vote_cast(
            decision=Decision.objects.get(pk=decision_pk),
            tenant=tenant,
            choice=("for", "against", "abstain")[index % 3],
            cast_by=Seat.objects.get(pk=seat_pk),
        )

    outcomes = _race(6, cast)
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} == {"ValidationError"}
    assert Vote.objects.filter(decision_id=decision_pk, tenant=tenant).count() == 1
    decision = Decision.objects.get(pk=decision_pk)
    assert decision.votes_for + decision.votes_against + decision.abstentions == 1


def test_votes_racing_the_closing_of_the_minutes_never_land_after_it(
    transactional_db, copil, world
):
    vote_all(copil.meeting, copil.decision, "for")
    against = sheet_all(copil.meeting, copil.decision, "against")
    meeting_pk, decision_pk = copil.meeting.pk, copil.decision.pk

    def work(index):
        if index == 0:
            meeting_services.minutes_close(meeting=Meeting.objects.get(pk=meeting_pk))
        else:
            decision = Decision.objects.get(pk=decision_pk)
            vote_services.votes_record(decision=decision, entries=against)

    closing, recording = _race(2, work)
    assert closing == "ok"
    assert recording in ("ok", "ValidationError")
    assert Meeting.objects.get(pk=meeting_pk).is_closed
    decision = Decision.objects.get(pk=decision_pk)
    stored = {
        c for c, advisory in decision.votes.values_list("choice", "is_advisory") if not advisory
    }
    # Recorded before the closing: the new sheet stands; after it: refused, the old one stands.
    assert stored == ({"against"} if recording == "ok" else {"for"})
    expected = "rejected" if recording == "ok" else "consensus"
    assert decision.result == expected


def test_database_refuses_raw_sql_on_votes_and_decisions_of_closed_minutes(copil, world):
    vote_all(copil.meeting, copil.decision)
    meeting_services.minutes_close(meeting=copil.meeting)
    vote = Vote.objects.filter(decision=copil.decision).first()
    statements = [
        ("UPDATE governance_vote SET choice = 'against' WHERE id = %s", [vote.pk]),
        ("DELETE FROM governance_vote WHERE id = %s", [vote.pk]),
        ("UPDATE governance_decision SET result = 'rejected' WHERE id = %s", [copil.decision.pk]),
        ("DELETE FROM governance_decision WHERE id = %s", [copil.decision.pk]),
    ]
    _refused_by_the_database(statements)
    assert Vote.objects.get(pk=vote.pk).choice == "for"
    assert Decision.objects.get(pk=copil.decision.pk).result == "consensus"


def test_database_refuses_raw_sql_on_the_rest_of_a_closed_record(copil, world):
    vote_all(copil.meeting, copil.decision)
    meeting = meeting_services.minutes_close(meeting=copil.meeting)
    attendance = meeting.attendances.first()
    item = meeting.items.first()
    statements = [
        ("UPDATE governance_meeting SET place = 'Ailleurs' WHERE id = %s", [meeting.pk]),
        ("UPDATE governance_meeting SET minutes_closed_at = NULL WHERE id = %s", [meeting.pk]),
        ("DELETE FROM governance_meeting WHERE id = %s", [meeting.pk]),
        ("UPDATE governance_attendance SET status = 'absent' WHERE id = %s", [attendance.pk]),
        ("DELETE FROM governance_attendance WHERE id = %s", [attendance.pk]),
        ("UPDATE governance_agendaitem SET title = 'Autre' WHERE id = %s", [item.pk]),
        (
            "INSERT INTO governance_agendaitem (meeting_id, position, title, kind, summary) "
            "VALUES (%s, 99, 'Ajout', 'information', '')",
            [meeting.pk],
        ),
    ]
    _refused_by_the_database(statements)
    meeting.refresh_from_db()
    assert meeting.is_closed and meeting.place == copil.meeting.place
    assert meeting.items.count() == 2
