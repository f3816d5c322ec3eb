"""Property tests of the vote rule (`governance.voting.count`), with hypothesis."""

from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from governance import voting
from governance.voting import ABSTAIN, AGAINST, FOR, Ballot

SETTINGS = settings(max_examples=300, deadline=None)

choices = st.sampled_from(voting.CHOICES)
base_rules = st.sampled_from((voting.BASE_CAST, voting.BASE_PRESENT, voting.BASE_ALL))


@st.composite
def sheets(draw, *, advisory=None, min_size=0, max_size=40):
    """A vote sheet: one ballot per tenant, deliberative or advisory, with the body's figures."""
    size = draw(st.integers(min_size, max_size))
    ballots = [
        Ballot(
            tenant=f"t{i}",
            choice=draw(choices),
            advisory=draw(st.booleans()) if advisory is None else advisory,
        )
        for i in range(size)
    ]
    counted = sum(not b.advisory for b in ballots)
    present = draw(st.integers(0, counted + 10))
    deliberative = draw(st.integers(present, present + 10))
    return ballots, {
        "base_rule": draw(base_rules),
        "present": present,
        "deliberative": deliberative,
        "abstention_breaks_consensus": draw(st.booleans()),
    }


def _tally(ballots):
    return Counter(b.choice for b in ballots if not b.advisory)


@SETTINGS
@given(sheets())
def test_never_adopted_when_against_exceeds_a_third_of_the_base(sheet):
    ballots, rules = sheet
    outcome = voting.count(ballots, **rules)
    if outcome.votes_against * 3 > outcome.base:
        assert not outcome.adopted
        assert outcome.result == voting.REJECTED


@SETTINGS
@given(sheets())
def test_never_adopted_when_against_exceeds_a_third_of_the_votes_cast(sheet):
    """Whatever the base, more than a third of the votes cast against blocks the motion: every
    base is at least the votes cast."""
    ballots, rules = sheet
    tally = _tally(ballots)
    outcome = voting.count(ballots, **rules)
    if tally[AGAINST] * 3 > tally[FOR] + tally[AGAINST]:
        assert not outcome.adopted


@SETTINGS
@given(sheets(advisory=False), st.lists(choices, max_size=20))
def test_advisory_opinions_never_change_the_outcome(sheet, opinions):
    ballots, rules = sheet
    advisory = [Ballot(f"a{i}", choice, advisory=True) for i, choice in enumerate(opinions)]
    without = voting.count(ballots, **rules)
    with_opinions = voting.count(ballots + advisory, **rules)
    # Opinions alone decide nothing, and the outcome says so rather than "rejected".
    expected = voting.ADVISORY_ONLY if advisory and not ballots else without.result

    assert not (with_opinions.adopted and not without.adopted)
    assert (
        with_opinions.result,
        with_opinions.votes_for,
        with_opinions.votes_against,
        with_opinions.abstentions,
        with_opinions.base,
    ) == (
        expected,
        without.votes_for,
        without.votes_against,
        without.abstentions,
        without.base,
    )
    assert (
        with_opinions.advisory_for,
        with_opinions.advisory_against,
        with_opinions.advisory_abstentions,
    ) == (opinions.count(FOR), opinions.count(AGAINST), opinions.count(ABSTAIN))


@SETTINGS
@given(st.data(), sheets())
def test_the_order_of_the_ballots_never_matters(data, sheet):
    ballots, rules = sheet
    shuffled = data.draw(st.permutations(ballots))
    assert voting.count(shuffled, **rules) == voting.count(ballots, **rules)
    assert voting.count(reversed(ballots), **rules) == voting.count(ballots, **rules)


@SETTINGS
@given(sheets())
def test_outcome_matches_the_rule_written_in_whole_numbers(sheet):
    """An independent statement of the rule: consensus, else for × 3 ≥ base × 2, else rejected."""
    ballots, rules = sheet
    tally = _tally(ballots)
    votes_for, against, abstain = tally[FOR], tally[AGAINST], tally[ABSTAIN]
    base = {
        voting.BASE_CAST: votes_for + against,
        voting.BASE_PRESENT: max(rules["present"], votes_for + against + abstain),
        voting.BASE_ALL: max(rules["deliberative"], votes_for + against + abstain),
    }[rules["base_rule"]]
    consensus = (
        votes_for > 0 and against == 0 and not (abstain and rules["abstention_breaks_consensus"])
    )
    if not (votes_for or against or abstain) and ballots:
        expected = voting.ADVISORY_ONLY  # opinions only
    elif consensus:
        expected = voting.CONSENSUS
    elif votes_for > 0 and votes_for * 3 >= base * 2:
        expected = voting.ADOPTED
    else:
        expected = voting.REJECTED

    outcome = voting.count(ballots, **rules)

    assert (outcome.result, outcome.base) == (expected, base)
    assert (outcome.votes_for, outcome.votes_against, outcome.abstentions) == (
        votes_for,
        against,
        abstain,
    )


@SETTINGS
@given(sheets())
def test_consensus_means_a_for_and_no_against(sheet):
    ballots, rules = sheet
    outcome = voting.count(ballots, **rules)
    if outcome.result == voting.CONSENSUS:
        assert outcome.votes_for >= 1
        assert outcome.votes_against == 0
        if rules["abstention_breaks_consensus"]:
            assert outcome.abstentions == 0
    if outcome.unanimous:
        assert outcome.votes_for == sum(not b.advisory for b in ballots)


@SETTINGS
@given(sheets())
def test_the_base_is_never_below_the_votes_cast(sheet):
    ballots, rules = sheet
    outcome = voting.count(ballots, **rules)
    assert outcome.base >= outcome.votes_for + outcome.votes_against
    if rules["base_rule"] != voting.BASE_CAST:
        assert outcome.base >= outcome.votes_for + outcome.votes_against + outcome.abstentions


@SETTINGS
@given(sheets(min_size=1), st.data())
def test_turning_a_vote_into_a_for_never_loses_an_adopted_motion(sheet, data):
    ballots, rules = sheet
    index = data.draw(st.integers(0, len(ballots) - 1))
    assume(not ballots[index].advisory and ballots[index].choice != FOR)
    better = list(ballots)
    better[index] = Ballot(ballots[index].tenant, FOR)
    if voting.count(ballots, **rules).adopted:
        assert voting.count(better, **rules).adopted


@SETTINGS
@given(sheets(advisory=False), st.integers(1, 10))
def test_a_larger_base_never_helps_a_motion(sheet, extra):
    """With the same ballots, more deliberative tenants present (or in the body) never turns a
    rejected motion into an adopted one."""
    ballots, rules = sheet
    larger = dict(
        rules, present=rules["present"] + extra, deliberative=rules["deliberative"] + extra
    )
    if not voting.count(ballots, **rules).adopted:
        assert not voting.count(ballots, **larger).adopted


@SETTINGS
@given(sheets(min_size=1))
def test_a_second_ballot_for_one_tenant_is_refused(sheet):
    ballots, rules = sheet
    with pytest.raises(ValueError, match="Two ballots"):
        voting.count([*ballots, Ballot(ballots[0].tenant, FOR)], **rules)


def test_an_unknown_choice_is_refused():
    with pytest.raises(ValueError, match="Unknown choice"):
        voting.count([Ballot("t1", "maybe")])


def test_no_ballot_is_rejected_on_every_base():
    for rule in (voting.BASE_CAST, voting.BASE_PRESENT, voting.BASE_ALL):
        assert voting.count([], base_rule=rule, present=3, deliberative=5).result == voting.REJECTED
