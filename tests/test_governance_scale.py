"""Governance at the size of the largest pooling bodies: the vote base, the quorum and the
recording of a meeting's attendance and votes take the same number of queries at 200 seats as at
2,000 (issue 17: the vote base was recomputed per tenant, each row saved one by one)."""

import math

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import selectors
from governance.models import Attendance, Decision, Vote
from governance.services.meetings import AttendanceEntry, attendance_record
from governance.services.votes import votes_record
from tests.governance_fixtures import sheet_all
from tests.scale_fixtures import _entries, bulk_committee


def _count(function, *args, **kwargs):
    """The queries of a call, INSERTs apart: SQLite takes at most 999 values per statement, so
    a bulk insert of 2,000 rows is cut in batches there (one statement on PostgreSQL)."""
    with CaptureQueriesContext(connection) as queries:
        result = function(*args, **kwargs)
    inserts = sum(1 for q in queries.captured_queries if q["sql"].startswith("INSERT"))
    # Django gives SQLite 999 parameters per INSERT (71 audit entries); PostgreSQL takes all
    # the rows of a table in one. Row by row, it was one INSERT per row and per audit entry.
    assert inserts <= (4 if connection.vendor == "postgresql" else 80), inserts
    return len(queries) - inserts, result


def _measure(size: int) -> dict:
    committee = bulk_committee(size)
    ContentType.objects.clear_cache()  # each run reads the audit's content types afresh
    meeting = committee.meeting
    first, second = Decision.objects.filter(item__meeting=meeting).order_by("item__position")
    counts = {}
    counts["quorum"], state = _count(selectors.quorum, meeting)
    assert state.deliberative == committee.deployed
    assert state.represented == committee.represented
    assert state.required == math.ceil(committee.deployed / 2) and state.met

    counts["base"], base = _count(selectors.vote_base, meeting)
    counts["voters"], voters = _count(base.voters, first)
    # Once read, the voters of every decision and the quorum cost no query.
    with CaptureQueriesContext(connection) as later:
        assert len(base.voters(second)) == len(voters)
        assert base.quorum() == state
    assert not later.captured_queries
    assert len(voters) == len(committee.tenants)
    assert sum(v.represented for v in voters if v.deliberative) == committee.represented

    counts["attendance"], rows = _count(
        attendance_record, meeting=meeting, entries=_entries(committee.seats)
    )
    assert len(rows) == Attendance.objects.filter(meeting=meeting).count() == size

    # One proxy moved: two rows rewritten (the giver's, deleted then created), two entries.
    entries = _entries(committee.seats)
    giver = next(e for e in entries if e.status == "proxy")
    holder = next(e.seat for e in entries if e.status == "present" and e.seat != giver.proxy_to)
    moved = [AttendanceEntry(e.seat, e.status, holder) if e is giver else e for e in entries]
    counts["one proxy moved"], _ = _count(attendance_record, meeting=meeting, entries=moved)
    history = selectors.history_of_meeting(meeting)
    assert history.filter(content_type__model="attendance").count() == size + 2
    assert Attendance.objects.get(meeting=meeting, seat=giver.seat).proxy_to == holder

    sheet = sheet_all(meeting, first)
    counts["votes"], decision = _count(votes_record, decision=first, entries=sheet)
    assert decision.result == "consensus"
    assert Vote.objects.filter(decision=first).count() == len(sheet)
    assert decision.votes_for == committee.represented  # the deliberative ones
    # Recorded again (replacing the sheet) and on another decision: the same queries.
    counts["votes again"], _ = _count(votes_record, decision=first, entries=sheet)
    counts["second decision"], _ = _count(
        votes_record, decision=second, entries=sheet_all(meeting, second, "against")
    )
    # Each row written in bulk is audited as a save would: found in the meeting's history.
    # The same sheet again changes no row: nothing deleted, nothing written, nothing audited.
    vote_entries = history.filter(content_type__model="vote")
    assert vote_entries.filter(action=LogEntry.Action.CREATE).count() == 2 * len(sheet)
    assert not vote_entries.filter(action=LogEntry.Action.DELETE).exists()
    assert history.filter(content_type__model="attendance").count() == size + 2

    return counts


def test_vote_base_quorum_and_recording_take_the_same_queries_at_200_and_2000_seats(db):
    small, large = _measure(200), _measure(2000)
    assert small == large
    assert small["quorum"] <= 4 and small["base"] + small["voters"] <= 6, small
