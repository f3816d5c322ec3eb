"""The vote rule of article 6 as a table of worked cases, run through the services.

Each case builds a body (one tenant per partner, deployed or not), records the attendance and the
vote sheet with `attendance_record` and `votes_record`, and checks the stored outcome, its counts
and the rule text. The refusals check the French message and that nothing was saved.

Worked vote cases: ``WORKED_VOTE_CASES`` = outcome cases + refusal cases (asserted at the end).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from governance import voting
from governance.models import (
    AttendanceStatus,
    BodyKind,
    DecisionKind,
    DecisionResult,
    MajorityBase,
    Vote,
)
from governance.selectors import quorum
from governance.services.bodies import body_create, seat_add, year_close
from governance.services.meetings import (
    AttendanceEntry,
    attendance_record,
    meeting_schedule,
    meeting_update,
    minutes_close,
)
from governance.services.votes import BallotEntry, vote_cast, votes_record
from partners.models import PartnerStatus
from tests.factories import PersonFactory
from tests.governance_fixtures import (
    MEETING_AT,
    PARIS,
    Snapshot,
    build_committee,
)

FOR, AGAINST, ABSTAIN = voting.FOR, voting.AGAINST, voting.ABSTAIN


# --- Outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A worked case. Deliberative members vote in order: `for_`, then `against`, then `abstain`;
    the last `absent` deliberative members are absent; the first `proxies` voters are excused and
    give a proxy to the next `proxies` members, who cast their vote. Advisory members vote after."""

    id: str
    expected: str
    base: int  # the base of the two-thirds rule the outcome must show
    for_: int = 0
    against: int = 0
    abstain: int = 0
    deliberative: int = 15
    advisory: int = 0
    adv_for: int = 0
    adv_against: int = 0
    adv_abstain: int = 0
    absent: int = 0
    proxies: int = 0
    majority_base: str = MajorityBase.CAST
    abstention_breaks_consensus: bool = False
    quorum: str | None = None
    quorum_counts_proxies: bool = True


OUTCOME_CASES = [
    Case(
        "15-deliberative-10-for-5-against-adopted-at-two-thirds-30-ge-30",
        DecisionResult.ADOPTED,
        base=15,
        for_=10,
        against=5,
    ),
    Case(
        "15-deliberative-9-for-6-against-rejected-27-lt-30",
        DecisionResult.REJECTED,
        base=15,
        for_=9,
        against=6,
    ),
    Case(
        "all-15-for-and-2-advisory-against-consensus",
        DecisionResult.CONSENSUS,
        base=15,
        for_=15,
        advisory=2,
        adv_against=2,
    ),
    Case(
        "10-for-4-against-1-abstain-votes-cast-base-adopted-30-ge-28",
        DecisionResult.ADOPTED,
        base=14,
        for_=10,
        against=4,
        abstain=1,
    ),
    Case(
        "14-for-1-abstain-consensus-abstention-does-not-break-it",
        DecisionResult.CONSENSUS,
        base=14,
        for_=14,
        abstain=1,
    ),
    Case(
        "14-for-1-abstain-body-says-abstention-breaks-consensus-two-thirds-adopted",
        DecisionResult.ADOPTED,
        base=14,
        for_=14,
        abstain=1,
        abstention_breaks_consensus=True,
    ),
    Case(
        "1-for-14-abstain-abstention-breaks-consensus-base-present-rejected-3-lt-30",
        DecisionResult.REJECTED,
        base=15,
        for_=1,
        abstain=14,
        abstention_breaks_consensus=True,
        majority_base=MajorityBase.PRESENT,
    ),
    Case(
        "1-for-14-abstain-abstention-breaks-consensus-votes-cast-base-adopted-3-ge-2",
        DecisionResult.ADOPTED,
        base=1,
        for_=1,
        abstain=14,
        abstention_breaks_consensus=True,
    ),
    Case(
        "unanimous-15-for-consensus",
        DecisionResult.CONSENSUS,
        base=15,
        for_=15,
    ),
    Case(
        "all-15-abstain-rejected-no-voice-for",
        DecisionResult.REJECTED,
        base=0,
        abstain=15,
    ),
    Case(
        "base-present-12-of-15-present-7-for-2-against-3-silent-rejected-21-lt-24",
        DecisionResult.REJECTED,
        base=12,
        for_=7,
        against=2,
        absent=3,
        majority_base=MajorityBase.PRESENT,
    ),
    Case(
        "same-on-votes-cast-base-adopted-21-ge-18",
        DecisionResult.ADOPTED,
        base=9,
        for_=7,
        against=2,
        absent=3,
    ),
    Case(
        "base-present-12-of-15-present-9-for-1-against-adopted-27-ge-24",
        DecisionResult.ADOPTED,
        base=12,
        for_=9,
        against=1,
        absent=3,
        majority_base=MajorityBase.PRESENT,
    ),
    Case(
        "base-all-12-of-15-present-9-for-1-against-rejected-27-lt-30",
        DecisionResult.REJECTED,
        base=15,
        for_=9,
        against=1,
        absent=3,
        majority_base=MajorityBase.ALL,
    ),
    Case(
        "base-all-11-of-15-present-10-for-1-against-adopted-30-ge-30",
        DecisionResult.ADOPTED,
        base=15,
        for_=10,
        against=1,
        absent=4,
        majority_base=MajorityBase.ALL,
    ),
    Case(
        "base-present-counts-proxies-3-absent-2-proxies-8-for-4-against-adopted-24-ge-24",
        DecisionResult.ADOPTED,
        base=12,
        for_=8,
        against=4,
        absent=3,
        proxies=2,
        majority_base=MajorityBase.PRESENT,
    ),
    Case(
        "votes-by-proxy-count-4-proxies-10-for-5-against-adopted",
        DecisionResult.ADOPTED,
        base=15,
        for_=10,
        against=5,
        proxies=4,
    ),
    Case(
        "advisory-for-cannot-make-consensus-2-abstain-3-advisory-for-rejected",
        DecisionResult.REJECTED,
        base=0,
        abstain=2,
        advisory=3,
        adv_for=3,
    ),
    Case(
        "advisory-for-cannot-carry-two-thirds-6-for-4-against-5-advisory-for-rejected-18-lt-30",
        DecisionResult.REJECTED,
        base=10,
        for_=6,
        against=4,
        advisory=5,
        adv_for=5,
    ),
    Case(
        "advisory-against-cannot-block-10-for-5-against-5-advisory-against-adopted",
        DecisionResult.ADOPTED,
        base=15,
        for_=10,
        against=5,
        advisory=5,
        adv_against=5,
    ),
    Case(
        "quorum-half-met-with-proxies-6-present-2-proxies-of-15-consensus",
        DecisionResult.CONSENSUS,
        base=8,
        for_=8,
        absent=7,
        proxies=2,
        quorum="0.5",
    ),
    Case(
        "quorum-half-met-without-proxies-8-present-of-15-7-for-1-against-adopted",
        DecisionResult.ADOPTED,
        base=8,
        for_=7,
        against=1,
        absent=7,
        quorum="0.5",
        quorum_counts_proxies=False,
    ),
]


def _build(case: Case):
    body_fields = {
        "majority_base": case.majority_base,
        "abstention_breaks_consensus": case.abstention_breaks_consensus,
        "quorum_counts_proxies": case.quorum_counts_proxies,
    }
    if case.quorum is not None:
        body_fields["quorum"] = case.quorum
    return build_committee(deliberative=case.deliberative, advisory=case.advisory, **body_fields)


def _play(case: Case):
    """Build the body, record attendance and votes through the services; return the committee."""
    committee = _build(case)
    deliberative, advisory = committee.deliberative, committee.advisory
    voting_count = case.for_ + case.against + case.abstain
    assert voting_count + case.absent <= case.deliberative, "a case cannot make absent members vote"
    absent = deliberative[len(deliberative) - case.absent :] if case.absent else []
    givers = deliberative[: case.proxies]
    holders = deliberative[case.proxies : 2 * case.proxies]
    assert not set(map(id, holders)) & set(map(id, absent))
    committee.attend(absent=absent, proxies=list(zip(givers, holders, strict=True)))
    choices = [FOR] * case.for_ + [AGAINST] * case.against + [ABSTAIN] * case.abstain
    ballots = []
    for index, choice in enumerate(choices):
        member = deliberative[index]
        if index < case.proxies:
            ballots.append((member, choice, holders[index]))
        else:
            ballots.append((member, choice))
    adv_choices = [FOR] * case.adv_for + [AGAINST] * case.adv_against + [ABSTAIN] * case.adv_abstain
    ballots += list(zip(advisory, adv_choices, strict=False))
    committee.vote(ballots)
    committee.decision.refresh_from_db()
    return committee


@pytest.mark.parametrize("case", OUTCOME_CASES, ids=[c.id for c in OUTCOME_CASES])
def test_outcome(db, case):
    committee = _play(case)
    decision = committee.decision

    assert decision.result == case.expected
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (
        case.for_,
        case.against,
        case.abstain,
    )
    assert decision.base == case.base
    # Advisory opinions are stored, marked, and outside the counts.
    votes = list(Vote.objects.filter(decision=decision))
    advisory_total = case.adv_for + case.adv_against + case.adv_abstain
    assert len(votes) == case.for_ + case.against + case.abstain + advisory_total
    assert sum(v.is_advisory for v in votes) == advisory_total
    advisory_tenants = {m.tenant.pk for m in committee.advisory}
    assert {v.tenant_id for v in votes if v.is_advisory} <= advisory_tenants
    # Votes through a proxy record whose proxy it was.
    assert sum(v.proxy_from_id is not None for v in votes) == case.proxies
    # The rule applied, in French, with the arithmetic when it is the two-thirds rule.
    lhs, rhs = case.for_ * 3, case.base * 2
    if case.expected == DecisionResult.CONSENSUS:
        assert decision.rule.startswith("Consensus")
        if not case.abstain:
            assert "à l'unanimité" in decision.rule
    elif case.expected == DecisionResult.ADOPTED:
        assert f"{case.for_} pour × 3 = {lhs} ≥ {case.base} × 2 = {rhs}" in decision.rule
        assert MajorityBase(case.majority_base).label.lower() in decision.rule
    elif case.for_:
        assert f"{case.for_} pour × 3 = {lhs} < {case.base} × 2 = {rhs}" in decision.rule
    else:
        assert "aucune voix pour" in decision.rule


# --- Refusals -------------------------------------------------------------------------------
# Each scenario prepares a committee and returns the refused action. The test checks the French
# message and that nothing was saved.


def _all_present():
    committee = build_committee(deliberative=4)
    committee.attend()
    return committee


def proxy_beyond_limit():
    committee = _all_present()  # an earlier sheet, which must stay as it was
    a, b, c = committee.members[:3]
    return lambda: committee.attend(proxies=[(a, c), (b, c)])


def second_proxy_over_a_limit_of_two():
    committee = build_committee(deliberative=5, max_proxies=2)
    committee.attend()
    a, b, c, e = committee.members[:3] + committee.members[4:]
    return lambda: committee.attend(proxies=[(a, e), (b, e), (c, e)])


def proxy_to_an_absent_member():
    committee = _all_present()
    a, b = committee.members[:2]
    return lambda: committee.attend(absent=[b], proxies=[(a, b)])


def proxy_to_an_excused_member():
    committee = _all_present()
    a, b = committee.members[:2]
    return lambda: committee.attend(excused=[b], proxies=[(a, b)])


def proxy_to_a_member_who_gave_a_proxy():
    committee = _all_present()
    a, b, c = committee.members[:3]
    return lambda: committee.attend(proxies=[(a, b), (b, c)])


def proxy_without_holder():
    committee = _all_present()
    entries = [AttendanceEntry(m.seat, AttendanceStatus.PRESENT) for m in committee.members[1:]] + [
        AttendanceEntry(committee.members[0].seat, AttendanceStatus.PROXY, None)
    ]
    return lambda: attendance_record(meeting=committee.meeting, entries=entries)


def proxy_to_someone_without_a_seat():
    committee = _all_present()
    other = body_create(
        consortium=committee.consortium, kind=BodyKind.TECHNICAL, name="CT", short_name="CT"
    )
    foreign = seat_add(body=other, person=committee.outsider.person)
    entries = [AttendanceEntry(m.seat, AttendanceStatus.PRESENT) for m in committee.members[1:]] + [
        AttendanceEntry(committee.members[0].seat, AttendanceStatus.PROXY, foreign)
    ]
    return lambda: attendance_record(meeting=committee.meeting, entries=entries)


def seat_twice_on_one_attendance_sheet():
    committee = _all_present()
    a = committee.members[0]
    entries = [AttendanceEntry(m.seat, AttendanceStatus.PRESENT) for m in committee.members]
    entries.append(AttendanceEntry(a.seat, AttendanceStatus.ABSENT))
    return lambda: attendance_record(meeting=committee.meeting, entries=entries)


def vote_for_a_tenant_closed_before_the_meeting():
    committee = _all_present()
    a = committee.members[0]
    a.tenant.closed_on = MEETING_AT.date() - datetime.timedelta(days=1)
    a.tenant.save()
    return lambda: committee.vote([(a, FOR)])


def attendance_changed_after_votes():
    committee = _all_present()
    committee.vote([(m, FOR) for m in committee.members])
    return lambda: committee.attend(absent=committee.members[:1])


def vote_from_someone_with_no_seat():
    committee = _all_present()
    other = body_create(
        consortium=committee.consortium, kind=BodyKind.TECHNICAL, name="CT", short_name="CT"
    )
    foreign = seat_add(body=other, person=committee.outsider.person)
    entries = [BallotEntry(committee.members[0].tenant, FOR, foreign)]
    return lambda: votes_record(decision=committee.decision, entries=entries)


def vote_from_someone_with_no_seat_via_vote_cast():
    committee = _all_present()
    committee.vote([(committee.members[1], FOR)])
    other = body_create(
        consortium=committee.consortium, kind=BodyKind.TECHNICAL, name="CT", short_name="CT"
    )
    foreign = seat_add(body=other, person=committee.outsider.person)
    return lambda: vote_cast(
        decision=committee.decision, tenant=committee.members[0].tenant, choice=FOR, cast_by=foreign
    )


def vote_cast_by_an_absent_member():
    committee = build_committee(deliberative=4)
    committee.attend(absent=committee.members[:1])
    return lambda: committee.vote([(committee.members[0], FOR)])


def vote_for_another_partners_tenant():
    committee = _all_present()
    a, b = committee.members[:2]
    return lambda: committee.vote([(a, FOR, b)])


def vote_for_a_tenant_whose_holder_has_no_seat():
    committee = _all_present()
    a = committee.members[0]
    entries = [BallotEntry(committee.outsider.tenant, FOR, a.seat)]
    return lambda: votes_record(decision=committee.decision, entries=entries)


def vote_without_quorum():
    committee = build_committee(deliberative=15, quorum="0.5")
    committee.attend(absent=committee.members[7:])  # 7 of 15 present, 8 required
    assert not quorum(committee.meeting).met
    return lambda: committee.vote([(m, FOR) for m in committee.members[:7]])


def vote_cast_without_quorum():
    committee = build_committee(deliberative=15, quorum="0.5")
    committee.attend(absent=committee.members[7:])
    a = committee.members[0]
    return lambda: vote_cast(
        decision=committee.decision, tenant=a.tenant, choice=FOR, cast_by=a.seat
    )


def quorum_not_counting_proxies():
    committee = build_committee(deliberative=15, quorum="0.5", quorum_counts_proxies=False)
    m = committee.members
    # 6 present and 2 proxies: 8 represented, but only 6 count; 8 required.
    committee.attend(absent=m[8:], proxies=[(m[0], m[2]), (m[1], m[3])])
    state = quorum(committee.meeting)
    assert (state.required, state.represented, state.deliberative) == (8, 6, 15)
    return lambda: committee.vote([(m[2], FOR), (m[0], FOR, m[2])])


def advisory_tenants_do_not_make_a_quorum():
    committee = build_committee(deliberative=4, advisory=6, quorum="0.5")
    # 1 deliberative tenant present of 4 (2 required), however many advisory ones are.
    committee.attend(absent=committee.deliberative[1:])
    return lambda: committee.vote([(committee.deliberative[0], FOR)])


def recused_partner_votes_on_its_admission():
    committee = build_committee(
        deliberative=4, advisory=1, decision_kind=DecisionKind.ADMISSION, concerned=4
    )
    committee.attend()
    ballots = [(m, FOR) for m in committee.members]
    return lambda: committee.vote(ballots)


def recused_partner_votes_on_its_exclusion():
    committee = build_committee(deliberative=4, decision_kind=DecisionKind.EXCLUSION, concerned=0)
    committee.attend()
    ballots = [(m, AGAINST if i == 0 else FOR) for i, m in enumerate(committee.members)]
    return lambda: committee.vote(ballots)


def vote_twice_for_one_tenant_via_vote_cast():
    committee = _all_present()
    a = committee.members[0]
    vote_cast(decision=committee.decision, tenant=a.tenant, choice=FOR, cast_by=a.seat)
    return lambda: vote_cast(
        decision=committee.decision, tenant=a.tenant, choice=AGAINST, cast_by=a.seat
    )


def vote_twice_for_one_tenant_in_one_sheet():
    committee = _all_present()
    committee.vote([(m, FOR) for m in committee.members])  # an earlier sheet, kept as it was
    a, b = committee.members[:2]
    return lambda: committee.vote([(a, FOR), (b, AGAINST), (a, AGAINST)])


def vote_twice_for_a_shared_tenant_by_both_holders():
    committee = _all_present()
    a, b = committee.members[:2]
    from partners.services import holding_add

    holding_add(tenant=a.tenant, partner=b.partner)
    entries = [BallotEntry(a.tenant, FOR, a.seat), BallotEntry(a.tenant, AGAINST, b.seat)]
    return lambda: votes_record(decision=committee.decision, entries=entries)


def unknown_choice():
    committee = _all_present()
    return lambda: committee.vote([(committee.members[0], "peut-être")])


def meeting_scheduled_in_a_closed_year():
    committee = build_committee(deliberative=2, meeting_at=None)
    year_close(consortium=committee.consortium, year=2025)
    return lambda: meeting_schedule(
        body=committee.body,
        starts_at=datetime.datetime(2025, 11, 4, 14, 0, tzinfo=PARIS),
        place="Tours",
    )


def meeting_after_midnight_paris_time_in_a_closed_year():
    # 1 January 2025 00:30 in Paris is still 31 December 2024 in UTC: the year is the local one.
    committee = build_committee(deliberative=2, meeting_at=None)
    year_close(consortium=committee.consortium, year=2025)
    return lambda: meeting_schedule(
        body=committee.body,
        starts_at=datetime.datetime(2025, 1, 1, 0, 30, tzinfo=PARIS),
        place="Tours",
    )


def meeting_moved_into_a_closed_year():
    committee = build_committee(deliberative=2)
    year_close(consortium=committee.consortium, year=2025)
    return lambda: meeting_update(
        meeting=committee.meeting, starts_at=datetime.datetime(2025, 6, 3, 10, 0, tzinfo=PARIS)
    )


REFUSAL_CASES = [
    ("proxy-beyond-the-limit-of-one", proxy_beyond_limit, "détiendrait 2 pouvoirs : 1 au plus"),
    (
        "third-proxy-beyond-a-limit-of-two",
        second_proxy_over_a_limit_of_two,
        "détiendrait 3 pouvoirs : 2 au plus",
    ),
    ("proxy-to-an-absent-member", proxy_to_an_absent_member, "qui n'est pas présent"),
    ("proxy-to-an-excused-member", proxy_to_an_excused_member, "qui n'est pas présent"),
    (
        "proxy-to-a-member-who-gave-a-proxy",
        proxy_to_a_member_who_gave_a_proxy,
        "qui n'est pas présent",
    ),
    ("proxy-without-holder", proxy_without_holder, "désignez le mandataire"),
    (
        "proxy-to-someone-without-a-seat",
        proxy_to_someone_without_a_seat,
        "ne siège pas dans cette instance : il ne peut recevoir de pouvoir",
    ),
    (
        "seat-twice-on-one-attendance-sheet",
        seat_twice_on_one_attendance_sheet,
        "figure deux fois sur la feuille de présence",
    ),
    (
        "vote-for-a-tenant-closed-before-the-meeting",
        vote_for_a_tenant_closed_before_the_meeting,
        "ne vote pas dans cette instance à cette date",
    ),
    (
        "attendance-changed-after-votes",
        attendance_changed_after_votes,
        "Des votes sont déjà enregistrés",
    ),
    (
        "vote-from-someone-with-no-seat",
        vote_from_someone_with_no_seat,
        "le votant ne siège pas dans cette instance",
    ),
    (
        "vote-from-someone-with-no-seat-via-vote-cast",
        vote_from_someone_with_no_seat_via_vote_cast,
        "le votant ne siège pas dans cette instance",
    ),
    (
        "vote-cast-by-an-absent-member",
        vote_cast_by_an_absent_member,
        "n'est ni présent pour l'un de ses détenteurs ni porteur de leur pouvoir",
    ),
    (
        "vote-for-another-partners-tenant",
        vote_for_another_partners_tenant,
        "n'est ni présent pour l'un de ses détenteurs ni porteur de leur pouvoir",
    ),
    (
        "vote-for-a-tenant-whose-holder-has-no-seat",
        vote_for_a_tenant_whose_holder_has_no_seat,
        "ne vote pas dans cette instance à cette date",
    ),
    ("vote-without-quorum", vote_without_quorum, "Quorum non atteint : 7"),
    ("vote-cast-without-quorum", vote_cast_without_quorum, "Quorum non atteint : 7"),
    (
        "quorum-not-counting-proxies-6-of-8-required",
        quorum_not_counting_proxies,
        "Quorum non atteint : 6",
    ),
    (
        "advisory-tenants-do-not-make-a-quorum",
        advisory_tenants_do_not_make_a_quorum,
        "Quorum non atteint : 1",
    ),
    (
        "recused-partner-votes-on-its-admission",
        recused_partner_votes_on_its_admission,
        "ne prend pas part au vote",
    ),
    (
        "recused-partner-votes-on-its-exclusion",
        recused_partner_votes_on_its_exclusion,
        "ne prend pas part au vote",
    ),
    (
        "vote-twice-for-one-tenant-via-vote-cast",
        vote_twice_for_one_tenant_via_vote_cast,
        "a déjà voté",
    ),
    (
        "vote-twice-for-one-tenant-in-one-sheet",
        vote_twice_for_one_tenant_in_one_sheet,
        "a déjà voté",
    ),
    (
        "vote-twice-for-a-shared-tenant-by-both-holders",
        vote_twice_for_a_shared_tenant_by_both_holders,
        "a déjà voté",
    ),
    ("unknown-choice", unknown_choice, "vote inconnu"),
    (
        "meeting-scheduled-in-a-closed-year",
        meeting_scheduled_in_a_closed_year,
        "L'année 2025 est close : aucune séance n'y est possible",
    ),
    (
        "meeting-after-midnight-paris-time-in-a-closed-year",
        meeting_after_midnight_paris_time_in_a_closed_year,
        "L'année 2025 est close",
    ),
    (
        "meeting-moved-into-a-closed-year",
        meeting_moved_into_a_closed_year,
        "L'année 2025 est close",
    ),
]


@pytest.mark.parametrize(
    ("scenario", "message"),
    [(s, m) for _, s, m in REFUSAL_CASES],
    ids=[i for i, _, _ in REFUSAL_CASES],
)
def test_refused(db, scenario, message):
    action = scenario()
    before = Snapshot.take()

    with pytest.raises(ValidationError) as refused:
        action()

    assert message in " ".join(refused.value.messages)
    assert Snapshot.take() == before


WORKED_VOTE_CASES = len(OUTCOME_CASES) + len(REFUSAL_CASES)


def test_worked_case_count():
    """The number reported in the issue's note: keep it in step with the tables above."""
    assert (len(OUTCOME_CASES), len(REFUSAL_CASES)) == (22, 28)
    assert WORKED_VOTE_CASES == 50
    assert len({c.id for c in OUTCOME_CASES}) == len(OUTCOME_CASES)
    assert len({i for i, _, _ in REFUSAL_CASES}) == len(REFUSAL_CASES)


# --- Named scenarios beyond the tables ------------------------------------------------------


def test_tenant_not_deployed_gives_an_advisory_opinion_outside_the_counts(db):
    committee = build_committee(deliberative=3, advisory=1)
    committee.attend()
    a, b, c = committee.deliberative
    (late,) = committee.advisory

    committee.vote([(a, FOR), (b, FOR), (c, FOR), (late, AGAINST)])

    vote = Vote.objects.get(decision=committee.decision, tenant=late.tenant)
    assert vote.is_advisory and vote.choice == AGAINST
    assert not Vote.objects.filter(decision=committee.decision, is_advisory=False, choice=AGAINST)
    committee.decision.refresh_from_db()
    assert committee.decision.result == DecisionResult.CONSENSUS
    assert (committee.decision.votes_for, committee.decision.votes_against) == (3, 0)
    assert committee.decision.rule == "Consensus, à l'unanimité : 3 voix pour."


def test_tenant_deployed_after_the_meeting_date_is_advisory(db):
    committee = build_committee(deliberative=2)
    a, b = committee.members
    a.tenant.deployed_on = MEETING_AT.date() + datetime.timedelta(days=1)
    a.tenant.save()
    committee.attend()

    committee.vote([(a, AGAINST), (b, FOR)])

    assert Vote.objects.get(tenant=a.tenant).is_advisory
    committee.decision.refresh_from_db()
    assert committee.decision.result == DecisionResult.CONSENSUS


def test_tenant_deployed_on_the_meeting_day_deliberates(db):
    committee = build_committee(deliberative=2)
    a, b = committee.members
    a.tenant.deployed_on = MEETING_AT.date()
    a.tenant.save()
    committee.attend()

    committee.vote([(a, AGAINST), (b, FOR)])

    assert not Vote.objects.get(tenant=a.tenant).is_advisory
    committee.decision.refresh_from_db()
    assert committee.decision.result == DecisionResult.REJECTED  # 1 × 3 < 2 × 2


def test_shared_tenant_votes_once_through_either_holder(db):
    committee = build_committee(deliberative=3)
    a, b, c = committee.members
    from partners.services import holding_add

    holding_add(tenant=a.tenant, partner=b.partner)
    committee.attend(absent=[a])

    committee.vote([(a, FOR, b), (b, FOR), (c, AGAINST)])

    vote = Vote.objects.get(tenant=a.tenant)
    assert vote.cast_by_id == b.seat.pk and vote.proxy_from_id is None
    committee.decision.refresh_from_db()
    assert (committee.decision.votes_for, committee.decision.votes_against) == (2, 1)


def test_recused_partner_is_outside_every_base(db):
    """16 deliberative tenants, the excluded partner's tenant recused: the base "all" is 15,
    so 10 for / 5 against reaches two-thirds (30 ≥ 30)."""
    committee = build_committee(
        deliberative=16,
        decision_kind=DecisionKind.EXCLUSION,
        concerned=0,
        majority_base=MajorityBase.ALL,
    )
    committee.attend()
    others = committee.members[1:]

    committee.vote([(m, FOR) for m in others[:10]] + [(m, AGAINST) for m in others[10:]])

    committee.decision.refresh_from_db()
    assert committee.decision.base == 15
    assert committee.decision.result == DecisionResult.ADOPTED


def test_recused_partner_outside_the_base_present(db):
    committee = build_committee(
        deliberative=16,
        decision_kind=DecisionKind.EXCLUSION,
        concerned=0,
        majority_base=MajorityBase.PRESENT,
    )
    committee.attend()
    others = committee.members[1:]

    committee.vote([(m, FOR) for m in others[:10]] + [(m, AGAINST) for m in others[10:]])

    committee.decision.refresh_from_db()
    assert (committee.decision.base, committee.decision.result) == (15, DecisionResult.ADOPTED)


def test_adopted_admission_makes_the_partner_a_member_on_closing(db):
    committee = build_committee(
        deliberative=4, advisory=1, decision_kind=DecisionKind.ADMISSION, concerned=4
    )
    candidate = committee.members[4].partner
    committee.attend()
    committee.vote([(m, FOR) for m in committee.deliberative])
    candidate.refresh_from_db()
    assert candidate.status == PartnerStatus.CANDIDATE  # not before the minutes are closed

    minutes_close(meeting=committee.meeting)

    candidate.refresh_from_db()
    assert candidate.status == PartnerStatus.MEMBER


def test_rejected_admission_leaves_the_candidate(db):
    committee = build_committee(
        deliberative=3, advisory=1, decision_kind=DecisionKind.ADMISSION, concerned=3
    )
    committee.attend()
    a, b, c = committee.deliberative
    committee.vote([(a, FOR), (b, AGAINST), (c, AGAINST)])

    minutes_close(meeting=committee.meeting)

    committee.members[3].partner.refresh_from_db()
    assert committee.members[3].partner.status == PartnerStatus.CANDIDATE


def test_adopted_exclusion_excludes_the_partner_on_closing(db):
    committee = build_committee(deliberative=4, decision_kind=DecisionKind.EXCLUSION, concerned=0)
    committee.attend()
    committee.vote([(m, FOR) for m in committee.members[1:]])

    minutes_close(meeting=committee.meeting)

    committee.members[0].partner.refresh_from_db()
    assert committee.members[0].partner.status == PartnerStatus.EXCLUDED


def test_new_vote_sheet_replaces_the_earlier_one(db):
    committee = _all_present()
    a, b, c, d = committee.members
    committee.vote([(a, FOR), (b, FOR), (c, FOR), (d, FOR)])
    committee.vote([(a, FOR), (b, AGAINST), (c, AGAINST)])

    assert Vote.objects.filter(decision=committee.decision).count() == 3
    committee.decision.refresh_from_db()
    assert committee.decision.result == DecisionResult.REJECTED


def test_vote_cast_one_by_one_tallies_each_time(db):
    committee = _all_present()
    a, b, c, d = committee.members
    vote_cast(decision=committee.decision, tenant=a.tenant, choice=FOR, cast_by=a.seat)
    committee.decision.refresh_from_db()
    assert committee.decision.result == DecisionResult.CONSENSUS
    vote_cast(decision=committee.decision, tenant=b.tenant, choice=AGAINST, cast_by=b.seat)
    committee.decision.refresh_from_db()
    assert committee.decision.result == DecisionResult.REJECTED  # 1 × 3 < 2 × 2
    vote_cast(decision=committee.decision, tenant=c.tenant, choice=FOR, cast_by=c.seat)
    vote_cast(decision=committee.decision, tenant=d.tenant, choice=FOR, cast_by=d.seat)
    committee.decision.refresh_from_db()
    assert (committee.decision.result, committee.decision.base) == (DecisionResult.ADOPTED, 4)


def test_inactive_seat_cannot_take_attendance(db):
    from governance.services.bodies import seat_deactivate

    committee = _all_present()
    seat_deactivate(seat=committee.members[0].seat)
    before = Snapshot.take()

    with pytest.raises(ValidationError) as refused:
        committee.attend()

    assert "ne siège pas dans cette instance" in " ".join(refused.value.messages)
    assert Snapshot.take() == before


def test_seat_for_a_person_of_another_consortium_is_refused(db):
    committee = build_committee(deliberative=1, meeting_at=None)
    stranger = PersonFactory()  # a partner of another consortium
    with pytest.raises(ValidationError) as refused:
        seat_add(body=committee.body, person=stranger)
    assert "n'appartient pas au groupement" in " ".join(refused.value.messages)


def test_closing_a_year_twice_is_refused(db):
    committee = build_committee(deliberative=1, meeting_at=None)
    year_close(consortium=committee.consortium, year=2025)
    with pytest.raises(ValidationError) as refused:
        year_close(consortium=committee.consortium, year=2025)
    assert "L'année 2025 est déjà close." in refused.value.messages


def test_a_meeting_in_an_open_year_of_a_consortium_with_a_closed_year(db):
    committee = build_committee(deliberative=1, meeting_at=None)
    year_close(consortium=committee.consortium, year=2025)
    meeting = meeting_schedule(body=committee.body, starts_at=MEETING_AT, place="Tours")
    assert meeting.pk


# --- Working groups: created by an adopted COTECH decision ------------------------------------


def _cotech_decision(result_for: bool):
    committee = build_committee(deliberative=3, kind=BodyKind.TECHNICAL)
    committee.attend()
    committee.vote([(m, FOR if result_for else AGAINST) for m in committee.members])
    committee.decision.refresh_from_db()
    return committee


def test_working_group_created_by_an_adopted_cotech_decision(db):
    from governance.models import Body
    from governance.services.bodies import working_group_create

    committee = _cotech_decision(result_for=True)
    members = [m.person for m in committee.members[:2]]

    group = working_group_create(
        decision=committee.decision,
        name="Groupe de travail reprise des données",
        short_name="GT reprise",
        mandate="Préparer la reprise des données des communes.",
        mandate_ends_on=datetime.date(2026, 12, 31),
        members=members,
    )

    group = Body.objects.get(pk=group.pk)
    assert group.kind == BodyKind.WORKING_GROUP
    assert group.created_by_id == committee.decision.pk
    assert group.minimum_meetings == 0
    assert sorted(group.seats.values_list("person_id", flat=True)) == sorted(p.pk for p in members)


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ("rejected", "La décision doit être adoptée avant de créer le groupe de travail."),
        ("copil", "Seul le COTECH crée et mandate un groupe de travail."),
        ("no-members", "Désignez au moins un membre."),
    ],
)
def test_working_group_refused(db, shape, message):
    from governance.models import Body
    from governance.services.bodies import working_group_create

    if shape == "copil":
        committee = build_committee(deliberative=2)
        committee.attend()
        committee.vote([(m, FOR) for m in committee.members])
        committee.decision.refresh_from_db()
    else:
        committee = _cotech_decision(result_for=shape != "rejected")
    members = [] if shape == "no-members" else [committee.members[0].person]
    bodies = Body.objects.count()

    with pytest.raises(ValidationError) as refused:
        working_group_create(
            decision=committee.decision,
            name="GT",
            short_name="GT",
            mandate="Un mandat.",
            mandate_ends_on=datetime.date(2026, 12, 31),
            members=members,
        )

    assert message in " ".join(refused.value.messages)
    assert Body.objects.count() == bodies


def test_working_group_without_decision_is_refused(db):
    committee = build_committee(deliberative=1, meeting_at=None)
    with pytest.raises(ValidationError) as refused:
        body_create(
            consortium=committee.consortium,
            kind=BodyKind.WORKING_GROUP,
            name="GT libre",
            short_name="GT",
            mandate="Un mandat.",
            mandate_ends_on=datetime.date(2026, 12, 31),
        )
    assert "créé par une décision du COTECH" in " ".join(refused.value.messages)


def test_bodies_get_the_minimum_meetings_of_article_6(db):
    copil = build_committee(deliberative=1, meeting_at=None)
    cotech = build_committee(
        consortium=copil.consortium, deliberative=1, kind=BodyKind.TECHNICAL, meeting_at=None
    )
    assert (copil.body.minimum_meetings, cotech.body.minimum_meetings) == (1, 3)
    assert copil.body.max_proxies == 1 and copil.body.quorum is None
    assert copil.body.majority_base == MajorityBase.CAST
