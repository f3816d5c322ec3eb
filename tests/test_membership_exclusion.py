"""Exclusion (article 8): Ville de Blois (partner A) leaves its annual titre unpaid; the COPIL
excludes it, A recused; the minutes close: A is excluded and sits nowhere any more; the
registered letter states the breach, the decision and the six months; its receipt starts them;
A's tenant cannot close until the day after receipt + 6 months; the costs are A's.

A's annual titre (tenant blois) is 5 839,03 €, issued 20/01/2026, due 19/02/2026: on 1 June 2026
it is 102 days late, beyond the 90 days of the exclusion flag. Runs on SQLite and PostgreSQL.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import AllocationKey, CostPool, Expense, PoolCategory, RunKind
from billing.services import runs
from governance.models import DecisionKind, DecisionResult, Seat, Vote, VoteChoice
from governance.selectors import voters
from governance.services.votes import BallotEntry, votes_record
from membership.letters import FROM_RECEIPT, letter_pdf
from membership.models import ExclusionCase, ExclusionGround, ExclusionState
from membership.models.exclusion import add_months
from membership.services import exclusion as services
from partners import services as partner_services
from partners.models import PartnerStatus, Tenant
from tests.exclusion_fixtures import decide, exclusion_copil
from tests.test_titres_pdf import text_of
from titres import titre_selectors
from titres.models import RevenueTitle

FLAGGED_ON = datetime.date(2026, 6, 1)
RECEIVED_ON = datetime.date(2026, 6, 22)
# 22 June 2026 + 6 months = 22 December 2026: the last day to recover the data.
DEADLINE = datetime.date(2026, 12, 22)
REFUSAL = (
    "Ville de Blois dispose jusqu'au 22/12/2026 pour récupérer les données de son tenant "
    "(article 8) : le tenant ne peut être fermé qu'à partir du 23/12/2026."
)


@pytest.fixture
def titre_a(world, issued_batch) -> RevenueTitle:
    return RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)


@pytest.fixture
def case(world, titre_a) -> ExclusionCase:
    """Opened from the overdue flag of 1 June 2026."""
    flags = titre_selectors.exclusion_flags(world.consortium, today=FLAGGED_ON)
    flag = next(f for f in flags if f.partner == world.partner_a)
    return services.exclusion_open(
        partner=flag.partner,
        ground=ExclusionGround.NON_PAYMENT,
        titres=flag.titres,
        opened_on=FLAGGED_ON,
    )


@pytest.fixture
def copil(world):
    return exclusion_copil(world)


@pytest.fixture
def excluded(case, copil) -> ExclusionCase:
    return decide(case, copil)


def _closed_on(tenant: Tenant):
    return Tenant.objects.values_list("closed_on", flat=True).get(pk=tenant.pk)


def test_the_overdue_flag_states_the_breach(world, case, titre_a):
    """A pays two annual titres (tenants blois and tours), both unpaid: both are the breach."""
    assert case.state == ExclusionState.OPEN
    unpaid = set(
        titre_selectors.overdue(world.consortium, FLAGGED_ON).filter(debtor=world.partner_a)
    )
    assert set(case.titres.all()) == unpaid and titre_a in unpaid and len(unpaid) == 2
    assert case.breach.startswith("Non-paiement de la participation financière (titre n° ")
    assert (
        f"titre n° {titre_a.reference}, échu le 19/02/2026 : 5\u202f839,03\u00a0€ restant dus"
        in case.breach
    )


def test_adopted_by_the_copil_with_the_partner_recused(world, case, copil):
    case = services.exclusion_schedule(case=case, meeting=copil.meeting, number="2026-07")
    decision = case.decision
    assert (decision.kind, decision.concerned_partner) == (DecisionKind.EXCLUSION, world.partner_a)
    assert decision.item.number == "2026-07"
    # A speaks for none of its tenants on its own exclusion: its vote is refused.
    by_tenant = {v.tenant: v for v in voters(copil.meeting, decision)}
    assert by_tenant[world.tenant_a].recused and not by_tenant[world.tenant_a].voices
    with pytest.raises(ValidationError):
        votes_record(
            decision=decision,
            entries=[
                BallotEntry(
                    tenant=world.tenant_a,
                    choice=VoteChoice.AGAINST,
                    cast_by=copil.seats[world.partner_a.pk],
                )
            ],
        )
    assert not Vote.objects.filter(decision=decision).exists()
    case = decide(case, copil)  # the coordinator's deliberative tenant votes for
    decision.refresh_from_db()
    assert decision.result == DecisionResult.CONSENSUS
    assert not Vote.objects.filter(decision=decision, tenant=world.tenant_a).exists()
    assert (case.state, case.decided_on) == (ExclusionState.DECIDED, datetime.date(2026, 6, 15))


def test_closing_the_minutes_excludes_the_partner_and_ends_its_seats(world, excluded, copil):
    world.partner_a.refresh_from_db()
    assert world.partner_a.status == PartnerStatus.EXCLUDED
    assert not Seat.objects.filter(partner=world.partner_a, is_active=True).exists()
    assert Seat.objects.filter(partner=world.partner_b, is_active=True).count() == 1


def test_a_second_pending_case_is_refused(world, case):
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.exclusion_open(
            partner=world.partner_a, ground=ExclusionGround.OTHER, breach="Autre manquement"
        )
    assert ExclusionCase.objects.count() == 1


def test_a_non_payment_without_an_unpaid_titre_is_refused(world, titre_a):
    with pytest.raises(ValidationError, match="au moins un titre échu non soldé"):
        services.exclusion_open(partner=world.partner_b, ground=ExclusionGround.NON_PAYMENT)
    # Another partner's titre is not B's breach.
    with pytest.raises(ValidationError, match="Ne retenez que"):
        services.exclusion_open(
            partner=world.partner_b,
            ground=ExclusionGround.NON_PAYMENT,
            titres=[titre_a],
            opened_on=FLAGGED_ON,
        )
    assert not ExclusionCase.objects.exists()


def test_receipt_in_the_future_or_before_the_decision_is_refused(excluded):
    today = datetime.date(2026, 7, 1)
    for day, message in (
        (datetime.date(2026, 7, 2), "à venir"),
        (datetime.date(2026, 6, 14), "ne peut précéder la décision du COPIL du 15/06/2026"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.exclusion_receipt_record(case=excluded, received_on=day, today=today)
        excluded.refresh_from_db()
        assert excluded.received_on is None


def test_receipt_before_the_decision_is_refused_on_an_open_case(case):
    with pytest.raises(ValidationError, match="pas encore décidée"):
        services.exclusion_receipt_record(case=case, received_on=RECEIVED_ON)


def test_the_deadline_is_six_months_after_receipt(excluded):
    case = services.exclusion_receipt_record(case=excluded, received_on=RECEIVED_ON)
    assert case.deadline == DEADLINE
    # A day the sixth month lacks falls back to its last day.
    assert add_months(datetime.date(2026, 8, 31), 6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 8, 31), 6) == datetime.date(2028, 2, 29)


def test_the_tenant_cannot_close_before_receipt_is_recorded(world, excluded):
    with pytest.raises(ValidationError) as error:
        partner_services.tenant_save(tenant=world.tenant_a, closed_on=datetime.date(2027, 6, 1))
    assert "la réception de la lettre de notification n'est pas enregistrée" in str(error.value)
    assert _closed_on(world.tenant_a) is None


def test_the_tenant_closes_the_day_after_the_deadline_not_before(world, excluded):
    services.exclusion_receipt_record(case=excluded, received_on=RECEIVED_ON)
    for day in (datetime.date(2026, 9, 30), DEADLINE):
        with pytest.raises(ValidationError) as error:
            partner_services.tenant_save(tenant=world.tenant_a, closed_on=day)
        assert error.value.message_dict == {"closed_on": [REFUSAL]}
        assert _closed_on(world.tenant_a) is None
    # The shared tenant A co-holds keeps A's data too.
    with pytest.raises(ValidationError):
        partner_services.tenant_save(tenant=world.tenant_shared, closed_on=DEADLINE)
    # B's own tenant is none of A's business.
    partner_services.tenant_save(tenant=world.tenant_b, closed_on=datetime.date(2026, 9, 30))
    partner_services.tenant_save(tenant=world.tenant_a, closed_on=datetime.date(2026, 12, 23))
    assert _closed_on(world.tenant_a) == datetime.date(2026, 12, 23)


def test_the_tenant_form_refuses_the_closing_in_french(world, excluded, client_for):
    from django.urls import reverse

    services.exclusion_receipt_record(case=excluded, received_on=RECEIVED_ON)
    tenant = world.tenant_a
    url = reverse("partners:tenant_update", args=[tenant.pk])
    data = {
        "code": tenant.code,
        "name": tenant.name,
        "opened_on": "2024-01-01",
        "deployed_on": "2024-01-01",
        "closed_on": "2026-12-22",
    }
    response = client_for("finance").post(url, data)
    assert response.status_code == 200
    assert "ne peut être fermé qu&#x27;à partir du 23/12/2026" in response.text
    assert _closed_on(tenant) is None
    response = client_for("finance").post(url, {**data, "closed_on": "2026-12-23"})
    assert response.status_code == 302
    assert _closed_on(tenant) == datetime.date(2026, 12, 23)


def test_a_tenant_of_a_partner_not_excluded_closes_freely(world, case):
    """An exclusion only proposed holds nothing."""
    partner_services.tenant_save(tenant=world.tenant_a, closed_on=datetime.date(2026, 6, 30))
    assert _closed_on(world.tenant_a) == datetime.date(2026, 6, 30)


def test_the_letter_states_the_breach_the_decision_and_the_end_date(excluded, titre_a):
    before = text_of(letter_pdf(excluded))
    assert "PROJET" in before
    assert FROM_RECEIPT in before
    assert "expire le" not in before
    services.exclusion_letter_record(
        case=excluded, sent_on=datetime.date(2026, 6, 18), reference="1A 234 567 8901 2"
    )
    case = services.exclusion_receipt_record(case=excluded, received_on=RECEIVED_ON)
    text = text_of(letter_pdf(case))
    assert (
        "Lettre recommandée avec accusé de réception n° 1A 234 567 8901 2".upper() in text.upper()
    )
    assert "PROJET" not in text
    assert "Objet : notification de votre exclusion du groupement" in text
    assert f"titre n° {titre_a.reference}, échu le 19/02/2026 : 5 839,03 € restant dus" in text
    assert "Réuni le lundi 15 juin 2026" in text
    assert "par sa délibération n° 2026-07" in text
    assert "adoptée par consensus" in text
    assert "Ville de Blois n'a pas pris part au vote" in text
    assert "six mois à compter de la réception de la présente" in text
    assert (
        "Cette lettre ayant été reçue le 22 juin 2026, ce délai expire le 22 décembre 2026" in text
    )
    assert "Tours, le 18 juin 2026" in text


def test_the_costs_are_charged_to_the_excluded_partner(world, excluded, billing_year):
    case = services.exclusion_costs_charge(
        case=excluded,
        amount=Decimal("87.40"),
        label="Lettre recommandée et export des données",
        invoice_date=datetime.date(2026, 7, 1),
        reference="LRAR-2026-07",
    )
    pool = CostPool.objects.get(pk=case.costs_pool_id)
    assert (pool.key, pool.category, pool.direct_partner) == (
        AllocationKey.DIRECT,
        PoolCategory.EXCLUSION,
        world.partner_a,
    )
    assert pool.budget_amount == Decimal("87.40")
    assert Expense.objects.get(pool=pool).amount == Decimal("87.40")
    with pytest.raises(ValidationError, match="déjà imputés"):
        services.exclusion_costs_charge(
            case=case, amount=Decimal("1.00"), label="", invoice_date=datetime.date(2026, 7, 1)
        )
    assert CostPool.objects.filter(category=PoolCategory.EXCLUSION).count() == 1


def test_costs_in_a_year_not_open_are_refused(excluded, billing_year):
    with pytest.raises(ValidationError, match="L'exercice 2031 n'est pas ouvert"):
        services.exclusion_costs_charge(
            case=excluded,
            amount=Decimal("87.40"),
            label="",
            invoice_date=datetime.date(2031, 1, 5),
        )
    excluded.refresh_from_db()
    assert (
        excluded.costs_pool_id is None
        and not CostPool.objects.filter(category=PoolCategory.EXCLUSION).exists()
    )


def test_the_specific_run_bills_the_costs_to_the_cent(world, excluded, billing_year):
    services.exclusion_costs_charge(
        case=excluded,
        amount=Decimal("87.40"),
        label="Lettre recommandée et export des données",
        invoice_date=datetime.date(2026, 7, 1),
    )
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.SPECIFIC)
    shares = list(run.shares.values_list("partner_id", "amount"))
    assert shares == [(world.partner_a.pk, Decimal("87.40"))]


def test_a_decision_without_a_case_gets_one(db):
    """An exclusion put on the agenda by a secretary, not from a case, still takes effect."""
    from governance.services.meetings import minutes_close
    from tests.governance_fixtures import build_committee

    committee = build_committee(deliberative=3, decision_kind=DecisionKind.EXCLUSION, concerned=0)
    committee.attend()
    committee.vote([(m, VoteChoice.FOR) for m in committee.members[1:3]])
    minutes_close(meeting=committee.meeting)
    case = ExclusionCase.objects.get(partner=committee.members[0].partner)
    assert case.state == ExclusionState.DECIDED and case.decision == committee.decision
    assert case.breach == committee.decision.motion
