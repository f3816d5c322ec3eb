"""The vote rule of article 6, as a pure function of the ballots.

One ballot per tenant. A deliberative ballot counts; an advisory one (tenant not yet deployed on the
meeting date) is published but outside every count. Consensus first: at least one deliberative
"for" and no "against" (abstention does not break it unless the body says so). Failing consensus,
the motion is adopted when ``for × 3 ≥ base × 2`` in whole numbers, rejected otherwise. With
advisory opinions only and no deliberative ballot, nothing was decided: the motion is not adopted,
and the outcome says why rather than "rejected".
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)

CONSENSUS, ADOPTED, REJECTED = "consensus", "adopted", "rejected"
ADVISORY_ONLY = "advisory"

#: The base of the two-thirds rule.
BASE_CAST = "cast"  # votes cast: for + against (abstentions are not votes cast)
BASE_PRESENT = "present"  # deliberative tenants present or represented
BASE_ALL = "all"  # every deliberative tenant of the body


@dataclass(frozen=True)
class Ballot:
    tenant: str
    choice: str
    advisory: bool = False


@dataclass(frozen=True)
class Outcome:
    result: str
    votes_for: int
    votes_against: int
    abstentions: int
    base: int
    advisory_for: int
    advisory_against: int
    advisory_abstentions: int

    @property
    def adopted(self) -> bool:
        return self.result in (CONSENSUS, ADOPTED)

    @property
    def advisory_count(self) -> int:
        return self.advisory_for + self.advisory_against + self.advisory_abstentions

    @property
    def unanimous(self) -> bool:
        return self.result == CONSENSUS and not self.votes_against and not self.abstentions


def count(
    ballots: Iterable[Ballot],
    *,
    base_rule: str = BASE_CAST,
    present: int = 0,
    deliberative: int = 0,
    abstention_breaks_consensus: bool = False,
) -> Outcome:
    """The outcome of a decision from its ballots.

    `present` and `deliberative` are the numbers of deliberative tenants present or represented,
    and of all deliberative tenants of the body; they matter only for those two bases.
    """
    tally: Counter[tuple[bool, str]] = Counter()
    seen: set[str] = set()
    for ballot in ballots:
        if ballot.choice not in CHOICES:
            raise ValueError(f"Unknown choice {ballot.choice!r}")
        if ballot.tenant in seen:
            raise ValueError(f"Two ballots for tenant {ballot.tenant!r}")
        seen.add(ballot.tenant)
        tally[ballot.advisory, ballot.choice] += 1

    votes_for, against, abstain = (tally[False, c] for c in CHOICES)
    base = {
        BASE_CAST: votes_for + against,
        # Whoever voted was present: the base is never below the ballots actually counted.
        BASE_PRESENT: max(present, votes_for + against + abstain),
        BASE_ALL: max(deliberative, votes_for + against + abstain),
    }[base_rule]

    consensus = votes_for > 0 and against == 0 and not (abstention_breaks_consensus and abstain)
    if not (votes_for or against or abstain) and any(tally.values()):
        result = ADVISORY_ONLY
    elif consensus:
        result = CONSENSUS
    elif votes_for > 0 and votes_for * 3 >= base * 2:
        result = ADOPTED
    else:
        result = REJECTED
    return Outcome(
        result=result,
        votes_for=votes_for,
        votes_against=against,
        abstentions=abstain,
        base=base,
        advisory_for=tally[True, FOR],
        advisory_against=tally[True, AGAINST],
        advisory_abstentions=tally[True, ABSTAIN],
    )
