"""Termination by common accord (art. 7, 11): a COPIL decision; on closing, the termination is
recorded on the convention, its costs shared equally among the members, reversibility per grid."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import (
    AllocationKey,
    CostPool,
    Expense,
    PoolCategory,
    RunKind,
    TariffLine,
    TariffLineKind,
)
from billing.services import costs, grids, runs
from governance.models import DecisionKind, ItemKind, Meeting
from governance.services.meetings import item_add, minutes_close
from membership.models import AmendmentFile, Termination
from partners.models import AmendmentKind
from tests.governance_fixtures import vote_all

pytestmark = pytest.mark.django_db


def _grid_2026(world):
    fiscal_year = grids.fiscal_year_create(consortium=world.consortium, year=2026)
    for code, kind, amount, unit in (
        ("reversibilite", TariffLineKind.REVERSIBILITY, "12500.00", "€"),
        ("export-tenant", TariffLineKind.REVERSIBILITY, "1000.00", "€/tenant"),
    ):
        grids.tariff_line_save(
            line=TariffLine(grid=fiscal_year.grid),
            code=code,
            label=f"Réversibilité {code}",
            kind=kind,
            amount=Decimal(amount),
            unit=unit,
        )
    return fiscal_year


def _termination_item(meeting: Meeting):
    return item_add(
        meeting=meeting,
        title="Résiliation de la convention",
        kind=ItemKind.DECISION,
        motion="Le comité résilie la convention d'un commun accord au 31 décembre 2026.",
        decision_kind=DecisionKind.TERMINATION,
    )


def _adopt_and_close(copil):
    item = _termination_item(copil.meeting)
    vote_all(copil.meeting, copil.decision)
    vote_all(copil.meeting, item.decision)
    minutes_close(meeting=copil.meeting)
    return item.decision


def test_a_termination_is_refused_outside_a_copil(world, copil):
    before = copil.cotech_meeting.items.count()
    with pytest.raises(ValidationError) as error:
        _termination_item(copil.cotech_meeting)
    assert "relève du comité de pilotage" in str(error.value)
    assert "Résiliation d'un commun accord" in str(error.value)
    assert copil.cotech_meeting.items.count() == before


def test_a_termination_concerns_no_partner(world, copil):
    item = _termination_item(copil.meeting)
    assert item.decision.concerned_partner is None


def test_closing_records_the_termination_and_its_costs(world, copil):
    fiscal_year = _grid_2026(world)
    decision = _adopt_and_close(copil)

    termination = Termination.objects.get()
    assert termination.decision == decision
    assert termination.convention == world.consortium.conventions.get()
    assert termination.decided_on == datetime.date(2026, 3, 10)
    assert termination.effective_on == datetime.date(2026, 12, 31)
    file = AmendmentFile.objects.get(decision=decision)
    assert file.amendment.kind == AmendmentKind.TERMINATION
    assert file.parties.count() == 3

    pool = CostPool.objects.get(fiscal_year=fiscal_year, code="resiliation")
    assert (pool.key, pool.category) == (AllocationKey.EQUAL_PER_MEMBER, PoolCategory.TERMINATION)
    # Reversibility: "€" is owed by each member partner, "€/tenant" by each open tenant.
    direct = CostPool.objects.filter(fiscal_year=fiscal_year, category=PoolCategory.REVERSIBILITY)
    per_partner = {p.direct_partner: p.budget_amount for p in direct if p.direct_partner_id}
    per_tenant = {p.direct_tenant: p.budget_amount for p in direct if p.direct_tenant_id}
    assert per_partner == dict.fromkeys(
        [world.coordinator, world.partner_a, world.partner_b], Decimal("12500.00")
    )
    assert per_tenant == dict.fromkeys(
        [world.tenant_a, world.tenant_b, world.tenant_shared, world.tenant_coordinator],
        Decimal("1000.00"),
    )


def test_termination_costs_are_split_equally_to_the_cent(world, copil):
    fiscal_year = _grid_2026(world)
    _adopt_and_close(copil)
    pool = CostPool.objects.get(fiscal_year=fiscal_year, code="resiliation")
    costs.expense_save(
        expense=Expense(pool=pool),
        invoice_date=datetime.date(2026, 11, 30),
        vendor="Éditeur",
        amount=Decimal("1000.00"),
        description="Arrêt de la plateforme",
    )

    run = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.ACTUAL)

    shares = {s.partner.short_name: s.amount for s in run.shares.filter(pool=pool)}
    # 1 000,00 € among 3 members = 100 000 cents / 3 = 33 333 cents each, 1 cent left over,
    # given by largest remainder to the first in order of short name (Agglopolys):
    # 333,34 + 333,33 + 333,33 = 1 000,00.
    assert shares == {
        "Agglopolys": Decimal("333.34"),
        "Blois": Decimal("333.33"),
        "Indre-et-Loire": Decimal("333.33"),
    }
    assert sum(shares.values()) == Decimal("1000.00")


def test_without_the_year_s_grid_the_closing_is_refused_and_nothing_kept(world, copil):
    item = _termination_item(copil.meeting)
    vote_all(copil.meeting, copil.decision)
    vote_all(copil.meeting, item.decision)

    with pytest.raises(ValidationError, match="Créez l'exercice 2026 et sa grille"):
        minutes_close(meeting=copil.meeting)

    copil.meeting.refresh_from_db()
    assert copil.meeting.minutes_closed_at is None
    assert not Termination.objects.exists()
    assert not AmendmentFile.objects.exists()
