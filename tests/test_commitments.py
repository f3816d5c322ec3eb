"""Service commitments (seed 002, article 4): a week for an administrative request, a month
for a commissioning once everything is provided, four working hours for a support ticket
(Monday–Friday 8:00–18:00, French public holidays excepted); the monthly report's counts."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments import selectors, working_time
from commitments.models import CommitmentKind, DelayUnit
from commitments.services import requests as services
from tests.commitment_fixtures import paris, record, seed_commitments

ADMIN, COMMISSIONING, SUPPORT = (
    CommitmentKind.ADMIN,
    CommitmentKind.COMMISSIONING,
    CommitmentKind.SUPPORT,
)


def test_the_seeds_delays_are_the_defaults(world):
    commitments = seed_commitments(world)
    assert [(c.delay, c.unit) for c in commitments.values()] == [
        (7, DelayUnit.DAYS),
        (1, DelayUnit.MONTHS),
        (4, DelayUnit.WORKING_HOURS),
    ]


def test_a_request_answered_in_eight_days_is_missed(world):
    admin = seed_commitments(world)[ADMIN]
    late = record(world, admin, paris(2026, 3, 2, 9, 0), answered=paris(2026, 3, 10, 9, 0))
    in_time = record(world, admin, paris(2026, 3, 2, 9, 0), answered=paris(2026, 3, 9, 9, 0))
    assert late.due_at == paris(2026, 3, 9, 9, 0)
    assert selectors.request_status(late) == "missed"
    assert selectors.request_status(in_time) == "met"  # seven days to the minute


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ((2026, 3, 2, 9, 0), (2026, 3, 2, 13, 0)),  # Monday morning: the same day
        ((2026, 3, 6, 16, 0), (2026, 3, 9, 10, 0)),  # Friday 16:00: two hours, then Monday
        ((2026, 3, 7, 11, 0), (2026, 3, 9, 12, 0)),  # Saturday: from Monday's opening
        ((2026, 3, 2, 19, 30), (2026, 3, 3, 12, 0)),  # after closing: from the next opening
        ((2026, 3, 2, 6, 0), (2026, 3, 2, 12, 0)),  # before opening
        ((2026, 5, 13, 17, 0), (2026, 5, 15, 11, 0)),  # Ascension Thursday 14 May 2026 skipped
        ((2026, 12, 24, 17, 0), (2026, 12, 28, 11, 0)),  # Christmas on Friday, then a weekend
        ((2026, 3, 27, 15, 0), (2026, 3, 30, 9, 0)),  # clocks go forward on Sunday 29 March
    ],
)
def test_four_working_hours(received, due):
    assert working_time.add_working_hours(paris(*received), 4) == paris(*due)


def test_a_support_ticket_is_due_four_working_hours_later(world):
    support = seed_commitments(world)[SUPPORT]
    ticket = record(world, support, paris(2026, 3, 6, 16, 0))
    assert ticket.due_at.astimezone(working_time.PARIS) == paris(2026, 3, 9, 10, 0)


def test_french_public_holidays():
    assert working_time.easter(2026) == datetime.date(2026, 4, 5)
    assert working_time.easter(2027) == datetime.date(2027, 3, 28)
    holidays = working_time.public_holidays(2026)
    assert len(holidays) == 11
    assert {
        datetime.date(2026, 4, 6),
        datetime.date(2026, 5, 14),
        datetime.date(2026, 5, 25),
    } <= holidays


def test_a_commissioning_runs_from_everything_provided(world):
    commissioning = seed_commitments(world)[COMMISSIONING]
    request = record(world, commissioning, paris(2026, 1, 5, 10, 0))
    assert request.due_at is None and selectors.request_status(request) == "pending"
    request = services.request_update(request=request, complete_at=paris(2026, 1, 31, 15, 0))
    assert request.due_at == paris(2026, 2, 28, 15, 0)  # a month later, the month's last day
    request = services.request_update(request=request, answered_at=paris(2026, 2, 27, 12, 0))
    assert selectors.request_status(request) == "met"
    with pytest.raises(ValidationError, match="déjà traitée"):
        services.request_update(request=request, answered_at=paris(2026, 3, 27, 12, 0))


def test_times_to_come_and_answers_before_the_request_are_refused(world):
    admin = seed_commitments(world)[ADMIN]
    with pytest.raises(ValidationError, match="à venir"):
        record(world, admin, paris(2099, 1, 1, 9, 0))
    with pytest.raises(ValidationError, match="avant d'être reçue"):
        record(world, admin, paris(2026, 3, 2, 9, 0), answered=paris(2026, 3, 1, 9, 0))


def test_the_monthly_report_counts_met_missed_and_pending_per_member(world, users):
    c = seed_commitments(world)
    a, b = world.partner_a, world.partner_b
    record(world, c[ADMIN], paris(2026, 3, 2, 9), answered=paris(2026, 3, 10, 9))  # missed
    record(world, c[ADMIN], paris(2026, 3, 3, 9), answered=paris(2026, 3, 4, 9))  # met
    record(world, c[ADMIN], paris(2026, 3, 31, 23, 30))  # pending on 2 April (due 7 April)
    record(world, c[SUPPORT], paris(2026, 3, 6, 16), answered=paris(2026, 3, 9, 9, 30))  # met
    record(world, c[SUPPORT], paris(2026, 3, 6, 16), partner=b)  # not answered, past due: missed
    record(world, c[ADMIN], paris(2026, 4, 1, 0, 30), partner=b)  # April (Paris time): not counted
    record(world, c[ADMIN], paris(2026, 2, 28, 23, 59), partner=b)  # February: not counted
    now = paris(2026, 4, 2, 12, 0)
    rows = selectors.monthly_report(
        world.consortium, datetime.date(2026, 3, 1), users["finance"], now
    )
    assert [(r.partner, r.kind, r.total, r.met, r.missed, r.pending) for r in rows] == [
        (b.name, SUPPORT, 1, 0, 1, 0),
        (a.name, ADMIN, 3, 1, 1, 1),
        (a.name, SUPPORT, 1, 1, 0, 0),
    ]
    # A partner user's report is its own member's only.
    own = selectors.monthly_report(
        world.consortium, datetime.date(2026, 3, 1), users["partner_b"], now
    )
    assert [(r.partner, r.total) for r in own] == [(b.name, 1)]
