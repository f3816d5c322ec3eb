"""Admission (article 8): the candidacy file, the COPIL, the newcomer opened and billed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import AllocationKey, CostPool, PoolCategory, RunKind, SpreadOn
from billing.services import runs
from governance.models import AgendaItem, AttendanceStatus, Decision, DecisionKind
from governance.selectors import voices, voters
from governance.services.bodies import seat_add
from governance.services.meetings import AttendanceEntry, attendance_record, minutes_close
from membership.models import Candidacy, CandidacyState, RequestedTenant
from membership.services import admission
from partners.models import PartnerStatus, Tenant
from tests.admission_fixtures import build_admission, build_candidacy
from tests.factories import PartnerFactory, PersonFactory
from tests.governance_fixtures import vote_all


def test_a_file_without_an_it_service_cannot_go_to_the_copil(world, copil):
    candidacy = build_candidacy(world, complete=False)
    items, decisions = AgendaItem.objects.count(), Decision.objects.count()
    with pytest.raises(ValidationError) as error:
        admission.candidacy_put_to_copil(candidacy=candidacy, meeting=copil.meeting)
    assert "Article 8" in str(error.value)
    assert "un service informatique" in str(error.value)
    candidacy.refresh_from_db()
    assert candidacy.state == CandidacyState.DRAFT and candidacy.decision is None
    assert (AgendaItem.objects.count(), Decision.objects.count()) == (items, decisions)


def test_a_file_asking_for_no_tenant_cannot_go_to_the_copil(world, copil):
    candidacy = build_candidacy(world)
    candidacy.requested_tenants.all().delete()
    with pytest.raises(ValidationError) as error:
        admission.candidacy_put_to_copil(candidacy=candidacy, meeting=copil.meeting)
    assert "ne demande aucun tenant" in str(error.value)


def test_an_admission_put_to_a_cotech_is_refused_and_nothing_is_saved(world, copil):
    candidacy = build_candidacy(world)
    items = copil.cotech_meeting.items.count()
    with pytest.raises(ValidationError) as error:
        admission.candidacy_put_to_copil(candidacy=candidacy, meeting=copil.cotech_meeting)
    assert "relève du comité de pilotage" in str(error.value)
    assert copil.cotech_meeting.items.count() == items
    candidacy.refresh_from_db()
    assert candidacy.state == CandidacyState.DRAFT and candidacy.decision is None


def test_only_a_candidate_gets_a_file(world):
    with pytest.raises(ValidationError) as error:
        admission.candidacy_create(
            partner=world.partner_a, wished_opening_on=datetime.date(2026, 3, 15)
        )
    assert "n'est pas candidat" in str(error.value)
    assert not Candidacy.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "blois"}, "porte déjà ce code"),
        ({"code": "loches", "is_shared": False, "payer": "partner_a"}, "payé par le candidat"),
    ],
)
def test_a_requested_tenant_is_checked(world, fields, message):
    candidacy = build_candidacy(world)
    values = {"code": "loches", "name": "Loches", "payer": candidacy.partner, **fields}
    if values["payer"] == "partner_a":
        values["payer"] = world.partner_a
    with pytest.raises(ValidationError) as error:
        admission.requested_tenant_add(candidacy=candidacy, **values)
    assert message in str(error.value)
    assert RequestedTenant.objects.count() == 1


def test_the_candidate_is_recused_from_its_own_admission(world, copil):
    candidacy = build_candidacy(world)
    # Even seated and present (invited to the COPIL), the candidate speaks for no tenant.
    seat_add(body=copil.body, person=PersonFactory(partner=candidacy.partner))
    attendance_record(
        meeting=copil.meeting,
        entries=[
            AttendanceEntry(seat, AttendanceStatus.PRESENT) for seat in copil.body.seats.all()
        ],
    )
    candidacy = admission.candidacy_put_to_copil(candidacy=candidacy, meeting=copil.meeting)
    decision = candidacy.decision
    assert decision.kind == DecisionKind.ADMISSION
    assert decision.concerned_partner == candidacy.partner
    present = {v.partner_id for v in voices(copil.meeting)}
    assert candidacy.partner.pk in present
    speakers = {v.partner_id for voter in voters(copil.meeting, decision) for v in voter.voices}
    assert candidacy.partner.pk not in speakers
    assert speakers == {world.coordinator.pk, world.partner_a.pk, world.partner_b.pk}


def _admit(world, copil, **kwargs):
    year = build_admission(world, **kwargs)
    candidacy = admission.candidacy_put_to_copil(candidacy=year.candidacy, meeting=copil.meeting)
    assert candidacy.state == CandidacyState.AT_COPIL
    vote_all(copil.meeting, copil.decision)
    vote_all(copil.meeting, candidacy.decision)
    minutes_close(meeting=copil.meeting)
    candidacy.refresh_from_db()
    return year, candidacy


def test_the_adopted_admission_opens_the_newcomer_and_charges_its_set_up(world, copil):
    year, candidacy = _admit(world, copil)
    candidate = candidacy.partner
    candidate.refresh_from_db()
    assert candidate.status == PartnerStatus.MEMBER
    assert candidacy.state == CandidacyState.ADMITTED
    tenant = Tenant.objects.get(code="chinon")
    assert tenant.opened_on == datetime.date(2026, 3, 15)
    assert tenant.deployed_on is None  # advisory until deployed (article 6)
    assert [(h.partner, h.is_payer) for h in tenant.holdings.all()] == [(candidate, True)]
    # The newcomer's own set-up line (new tenant, €/tenant) becomes a direct charge; the common
    # installation (its line gives the shared pool « install » its budget) does not.
    setup = CostPool.objects.get(fiscal_year=year.fiscal_year, direct_tenant=tenant)
    assert (setup.key, setup.category, setup.spread_on) == (
        AllocationKey.DIRECT,
        PoolCategory.SETUP,
        SpreadOn.ALL,
    )
    assert setup.budget_amount == Decimal("3500.00")
    assert year.fiscal_year.pools.count() == 4


def test_the_budget_run_bills_the_newcomer_nine_twelfths_plus_its_set_up(world, copil):
    year, candidacy = _admit(world, copil)
    run = runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.BUDGET)
    shares = run.shares.filter(partner=candidacy.partner)
    by_pool = {s.pool_code: s for s in shares}
    # heb 12 000 € per tenant-month: 4 tenants × 12 + chinon 9 (opened 15 March → April) = 57.
    # chinon 12 000 × 9 / 57 = 1 894,7368… → 1 894,73 + the largest remainder's cent = 1 894,74.
    assert by_pool["heb"].months == 9
    assert by_pool["heb"].amount == Decimal("1894.74")
    # install 900 € by months of membership: coordinator, A, B 12 each, Chinon 9 (a member from
    # 15 March: April to December, the tenants' rule) = 45; Chinon 900 × 9 / 45 = 180,00.
    assert by_pool["install"].amount == Decimal("180.00")
    # No volume on 1 January (opened in March): not in the volume base this year.
    assert "vol" not in by_pool
    assert by_pool["nouveau-tenant-chinon"].amount == Decimal("3500.00")
    # 1 894,74 + 180 + 3 500 = 5 574,74
    assert sum(s.amount for s in shares) == Decimal("5574.74")
    assert sum(s.amount for s in run.shares.all()) == Decimal("22400.00")  # 18 900 + 3 500


def test_an_opening_date_set_on_the_file_wins_over_the_wished_one(world, copil):
    year = build_admission(world)
    admission.candidacy_update(candidacy=year.candidacy, opening_on=datetime.date(2026, 6, 1))
    admission.candidacy_put_to_copil(candidacy=year.candidacy, meeting=copil.meeting)
    year.candidacy.refresh_from_db()
    vote_all(copil.meeting, copil.decision)
    vote_all(copil.meeting, year.candidacy.decision)
    minutes_close(meeting=copil.meeting)
    assert Tenant.objects.get(code="chinon").opened_on == datetime.date(2026, 6, 1)


def test_a_rejected_admission_leaves_the_candidate_a_candidate(world, copil):
    year = build_admission(world)
    candidacy = admission.candidacy_put_to_copil(candidacy=year.candidacy, meeting=copil.meeting)
    vote_all(copil.meeting, copil.decision)
    vote_all(copil.meeting, candidacy.decision, "against")
    minutes_close(meeting=copil.meeting)
    candidacy = Candidacy.objects.select_related("decision__item__meeting").get(pk=candidacy.pk)
    candidacy.partner.refresh_from_db()
    assert candidacy.partner.status == PartnerStatus.CANDIDATE
    assert candidacy.shown_state == "Refusée"
    assert not Tenant.objects.filter(code="chinon").exists()


def test_an_admission_without_a_file_still_makes_a_member(world, copil):
    """The existing rule (an admission decided straight on the agenda) keeps working."""
    from governance.models import ItemKind
    from governance.services.meetings import item_add

    candidate = PartnerFactory(consortium=world.consortium, status=PartnerStatus.CANDIDATE)
    item = item_add(
        meeting=copil.meeting,
        title="Adhésion",
        kind=ItemKind.DECISION,
        motion="Le COPIL admet le candidat.",
        decision_kind=DecisionKind.ADMISSION,
        concerned_partner=candidate,
    )
    vote_all(copil.meeting, copil.decision)
    vote_all(copil.meeting, item.decision)
    minutes_close(meeting=copil.meeting)
    candidate.refresh_from_db()
    assert candidate.status == PartnerStatus.MEMBER
