"""Seats and votes follow status (issue 13 point 4): a withdrawn or excluded partner's tenants
leave every vote base; a candidate has no vote; a co-held tenant votes through its members."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from governance import voting
from governance.models import Vote
from governance.selectors import quorum, voters
from membership.services.status import status_set
from membership.services.withdrawal import notice_record, withdrawal_apply
from partners import services as partner_services
from partners.models import PartnerStatus
from tests.governance_fixtures import build_committee

FOR = voting.FOR
pytestmark = pytest.mark.django_db


def _voting_codes(committee) -> list[str]:
    return [v.tenant.code for v in voters(committee.meeting) if v.deliberative]


def test_a_vote_for_a_withdrawn_partners_tenant_is_refused():
    """The withdrawal took effect on 1 March 2026; the meeting is on 10 March."""
    committee = build_committee(deliberative=3)
    leaver = committee.members[0]
    received = datetime.date(2025, 12, 1)
    notice = notice_record(partner=leaver.partner, received_on=received, today=received)
    assert notice.effective_on == datetime.date(2026, 3, 1)
    # Until the effective date its tenant votes: the meeting before it counts three tenants.
    assert len(_voting_codes(committee)) == 3
    withdrawal_apply(notice=notice, today=notice.effective_on)
    # Its seat has ended and its tenant is closed: two tenants in the vote base.
    assert leaver.tenant.code not in _voting_codes(committee)
    assert quorum(committee.meeting).deliberative == 2


def test_a_withdrawn_partners_stale_seat_casts_no_vote():
    """Even with a seat still active (stale data) and an open tenant, a withdrawn holder gives
    its tenant no vote: the existing refusal is the message."""
    committee = build_committee(deliberative=3)
    leaver = committee.members[0]
    status_set(partner=leaver.partner, status=PartnerStatus.WITHDRAWN)
    partner_services.partner_save(partner=leaver.partner, member_until=datetime.date(2026, 3, 1))
    committee.attend()
    with pytest.raises(ValidationError) as refused:
        committee.vote([(leaver, FOR)])
    assert refused.value.messages == [
        f"Le tenant {leaver.tenant.code} ne vote pas dans cette instance à cette date."
    ]
    assert not Vote.objects.exists()
    assert quorum(committee.meeting).deliberative == 2
    # The others still vote.
    committee.vote([(m, FOR) for m in committee.members[1:]])
    assert Vote.objects.count() == 2


def test_before_its_effective_date_a_left_partner_still_voted():
    """The end date is kept: a meeting held before it counted the tenant."""
    committee = build_committee(deliberative=3)
    leaver = committee.members[0]
    status_set(partner=leaver.partner, status=PartnerStatus.WITHDRAWN)
    partner_services.partner_save(partner=leaver.partner, member_until=datetime.date(2026, 4, 1))
    assert leaver.tenant.code in _voting_codes(committee)


def test_an_excluded_partners_tenant_has_no_deliberative_vote():
    committee = build_committee(deliberative=3)
    excluded = committee.members[1]
    assert excluded.tenant.code in _voting_codes(committee)
    # As the exclusion receiver does when the minutes close: the status only.
    status_set(partner=excluded.partner, status=PartnerStatus.EXCLUDED)
    assert excluded.tenant.code not in _voting_codes(committee)
    assert quorum(committee.meeting).deliberative == 2
    committee.attend()
    with pytest.raises(ValidationError, match="ne vote pas dans cette instance"):
        committee.vote([(excluded, FOR)])


def test_a_candidate_has_no_vote():
    committee = build_committee(deliberative=3)
    candidate = committee.members[2]
    status_set(partner=candidate.partner, status=PartnerStatus.CANDIDATE)
    assert candidate.tenant.code not in _voting_codes(committee)
    assert quorum(committee.meeting).deliberative == 2


def test_a_tenant_co_held_with_a_member_votes_through_the_member_only():
    committee = build_committee(deliberative=3)
    leaver, keeper = committee.members[0], committee.members[1]
    partner_services.holding_add(tenant=leaver.tenant, partner=keeper.partner)
    status_set(partner=leaver.partner, status=PartnerStatus.EXCLUDED)
    committee.attend()
    voter = next(v for v in voters(committee.meeting) if v.tenant.pk == leaver.tenant.pk)
    assert {voice.partner_id for voice in voter.voices} == {keeper.partner.pk}
    with pytest.raises(ValidationError, match="n'est ni présent pour l'un de ses détenteurs"):
        committee.vote([(leaver, FOR)])
    committee.vote([(leaver, FOR, keeper)])
    assert Vote.objects.get(tenant=leaver.tenant).cast_by == keeper.seat
