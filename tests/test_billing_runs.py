"""Grids, pools, runs and true-up through the services, on the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import selectors
from billing.models import (
    AllocationKey,
    AllocationRun,
    CostPool,
    Expense,
    PoolCategory,
    RunKind,
    Share,
    SpreadOn,
    StaffTime,
    StorageVolume,
    TariffLine,
    TariffLineKind,
)
from billing.recap import true_up
from billing.services import costs, grids, runs
from tests.billing_fixtures import record_actuals


def _amounts(run, pool_code):
    return {
        (s.tenant.code if s.tenant else s.partner.short_name): s.amount
        for s in run.shares.filter(pool_code=pool_code).select_related("tenant", "partner")
    }


def test_budget_run_worked_example(world, billing_year):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    assert run.version == 1
    assert run.total == Decimal("33000.00")
    # Hand-computed in test_billing_allocation: same inputs, same cents.
    assert _amounts(run, "heb") == {
        "agglo": Decimal("2105.27"),
        "blaisois": Decimal("2105.26"),
        "blois": Decimal("2105.26"),
        "cd37": Decimal("2105.26"),
        "tours": Decimal("1578.95"),
    }
    assert _amounts(run, "vol") == {
        "agglo": Decimal("2097.90"),
        "blaisois": Decimal("1433.57"),
        "blois": Decimal("874.13"),
        "cd37": Decimal("5594.40"),
    }
    # Budget of the staff-time pool: 12 000 € on 57 tenant-months.
    assert _amounts(run, "rh")["tours"] == Decimal("1894.74")
    # Equal per member: 1 000 € among the coordinator, Blois and Agglopolys.
    assert _amounts(run, "inst") == {
        "Agglopolys": Decimal("333.34"),
        "Blois": Decimal("333.33"),
        "Indre-et-Loire": Decimal("333.33"),
    }
    for pool in ("heb", "vol", "rh", "inst"):
        shares = run.shares.filter(pool_code=pool)
        assert sum(s.amount for s in shares) == shares.first().pool_amount


def test_shares_are_explained_and_owed_by_the_payer(world, billing_year):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    blois = run.shares.get(pool_code="vol", tenant=world.tenant_a)
    assert blois.base == "1,25\u00a0To sur 14,30\u00a0To"
    assert blois.weight == Decimal("0.0874125874")
    tours = run.shares.get(pool_code="heb", tenant=billing_year.tours)
    assert tours.base == "9 mois facturables sur 57 mois-tenants"
    assert tours.months == 9
    shared = run.shares.get(pool_code="heb", tenant=world.tenant_shared)
    assert shared.partner == world.partner_b  # the payer
    coordinator = run.shares.filter(tenant=world.tenant_coordinator)
    assert coordinator.count() == 3
    assert all(s.borne_by_coordinator for s in coordinator)
    assert not run.shares.filter(tenant=world.tenant_a, borne_by_coordinator=True).exists()
    # The inputs are kept with the run.
    assert {t["code"]: t["months"] for t in run.inputs["tenants"]}["tours"] == 9
    assert run.inputs["pools"][0]["code"] == "heb"


def test_running_again_makes_a_new_version_and_keeps_the_old(world, billing_year):
    first = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    runs.run_lock(run=first)
    costs.pool_save(pool=billing_year.heb, budget_amount=Decimal("20000"))
    second = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    assert second.version == 2
    first.refresh_from_db()
    assert first.locked_at is not None
    assert _amounts(first, "heb")["tours"] == Decimal("1578.95")
    assert _amounts(second, "heb")["tours"] == Decimal("3157.89")
    assert selectors.billed_run(billing_year.fiscal_year) == first  # the titre used it
    assert AllocationRun.objects.count() == 2


def test_a_grid_used_by_a_titre_is_frozen(billing_year):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    runs.run_lock(run=run)
    line = billing_year.fiscal_year.grid.lines.get(code="tj")
    with pytest.raises(ValidationError, match="figée"):
        grids.tariff_line_save(line=line, amount=Decimal("500"))
    line.refresh_from_db()
    assert line.amount == Decimal("450.00")


def test_copy_grid_to_next_year_with_indexation(billing_year):
    grid = billing_year.fiscal_year.grid
    copy = grids.grid_copy_to_next_year(
        grid=grid, rate=Decimal("2.5"), line_rates={"tj": Decimal(0)}
    )
    assert copy.fiscal_year.year == 2027
    assert copy.effective_on == datetime.date(2027, 1, 1)
    amounts = dict(copy.lines.values_list("code", "amount"))
    assert amounts["heb"] == Decimal("10250.00")
    assert amounts["tj"] == Decimal("450.00")  # its own rate
    with pytest.raises(ValidationError, match="déjà des lignes"):
        grids.grid_copy_to_next_year(grid=grid, rate=Decimal(1))
    # The recurring pools come along, budgets from the new grid or indexed.
    pools = {p.code: p.budget_amount for p in copy.fiscal_year.pools.all()}
    assert pools == {
        "heb": Decimal("10250.00"),  # the grid line "heb", indexed
        "vol": Decimal("10250.00"),
        "rh": Decimal("12300.00"),  # no "rh" line: its budget indexed
        "inst": Decimal("1025.00"),  # the grid line "install" is not its code: indexed
    }


def test_one_day_rate_per_grid(billing_year):
    with pytest.raises(ValidationError):
        grids.tariff_line_save(
            line=TariffLine(grid=billing_year.fiscal_year.grid),
            code="tj2",
            label="Autre taux",
            kind=TariffLineKind.DAY_RATE,
            amount=Decimal(400),
        )


def test_actual_run_caps_staff_time_and_true_up(world, billing_year):
    budget = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    record_actuals(billing_year)
    amounts = {a.pool.code: a for a in selectors.pool_amounts(billing_year.fiscal_year)}
    assert amounts["rh"].actual == Decimal("12000.00")
    assert "plafonné" in amounts["rh"].actual_detail
    actual = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    assert actual.total == Decimal("34100.00")
    lines = {(line.pool_code, line.recipient_code): line for line in true_up(budget, actual)}
    tours = lines[("heb", "tours")]
    # 11 400 € on 57 tenant-months: tours 9/57 = 1 800,00 €; billed 1 578,95 €.
    assert tours.actual == Decimal("1800.00")
    assert tours.difference == Decimal("221.05")
    assert tours.direction == "additional"
    vol = lines[("vol", "blois")]
    assert vol.difference < 0
    assert vol.direction == "reduction"
    assert sum(line.difference for line in lines.values()) == Decimal("1100.00")


def test_penalty_spread_on_a_specific_run(world, billing_year):
    penalty = costs.pool_save(
        pool=CostPool(fiscal_year=billing_year.fiscal_year),
        code="penalite",
        label="Pénalité de retard du prestataire",
        key=AllocationKey.PER_TENANT,
        category=PoolCategory.LITIGATION,
        spread_on=SpreadOn.SPECIFIC,
    )
    costs.expense_save(
        expense=Expense(pool=penalty),
        invoice_date=datetime.date(2026, 9, 1),
        vendor="Prestataire SAE",
        amount=Decimal("-570"),
    )
    specific = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.SPECIFIC)
    assert _amounts(specific, "penalite") == {
        "agglo": Decimal("-120.00"),
        "blaisois": Decimal("-120.00"),
        "blois": Decimal("-120.00"),
        "cd37": Decimal("-120.00"),
        "tours": Decimal("-90.00"),
    }
    budget = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    assert not budget.shares.filter(pool_code="penalite").exists()


def test_direct_pool_to_a_tenant_and_to_a_partner(world, billing_year):
    costs.pool_save(
        pool=CostPool(fiscal_year=billing_year.fiscal_year),
        code="migration",
        label="Reprise de données de Tours",
        key=AllocationKey.DIRECT,
        category=PoolCategory.SETUP,
        direct_tenant=billing_year.tours,
        budget_amount=Decimal("2500"),
    )
    costs.pool_save(
        pool=CostPool(fiscal_year=billing_year.fiscal_year),
        code="formation",
        label="Formation pour Agglopolys",
        key=AllocationKey.DIRECT,
        category=PoolCategory.ADDITIONAL,
        direct_partner=world.partner_b,
        budget_amount=Decimal("800"),
    )
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    assert _amounts(run, "migration") == {"tours": Decimal("2500.00")}
    assert _amounts(run, "formation") == {"Agglopolys": Decimal("800.00")}
    assert run.shares.get(pool_code="migration").base == "imputation directe"


def test_a_direct_pool_needs_exactly_one_target(world, billing_year):
    with pytest.raises(ValidationError):
        costs.pool_save(
            pool=CostPool(fiscal_year=billing_year.fiscal_year),
            code="x",
            label="X",
            key=AllocationKey.DIRECT,
            budget_amount=Decimal(1),
        )


def test_missing_volume_refuses_the_run_and_saves_nothing(world, billing_year):
    StorageVolume.objects.filter(tenant=world.tenant_b).delete()
    with pytest.raises(ValidationError, match="Volumétrie au 01/01/2026 manquante pour : agglo"):
        runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    assert not AllocationRun.objects.exists()
    assert not Share.objects.exists()


def test_expense_rules(billing_year):
    with pytest.raises(ValidationError, match="exercice 2026"):
        costs.expense_save(
            expense=Expense(pool=billing_year.heb),
            invoice_date=datetime.date(2025, 12, 31),
            vendor="V",
            amount=Decimal(10),
        )
    with pytest.raises(ValidationError, match="contentieux"):
        costs.expense_save(
            expense=Expense(pool=billing_year.heb),
            invoice_date=datetime.date(2026, 2, 1),
            vendor="V",
            amount=Decimal(-10),
        )
    with pytest.raises(ValidationError, match="temps RH"):
        costs.staff_time_save(
            staff_time=StaffTime(pool=billing_year.heb),
            period_end=datetime.date(2026, 2, 1),
            days=Decimal(1),
        )
    assert not Expense.objects.exists()


def test_nothing_to_allocate(world):
    year = grids.fiscal_year_create(consortium=world.consortium, year=2030)
    with pytest.raises(ValidationError, match="Aucun poste"):
        runs.run_create(fiscal_year=year, kind=RunKind.ACTUAL)
    with pytest.raises(ValidationError, match="existe déjà"):
        grids.fiscal_year_create(consortium=world.consortium, year=2030)


def test_a_pool_without_budget_takes_it_from_the_grid(billing_year):
    fiscal_year = billing_year.fiscal_year
    install = costs.pool_save(
        pool=CostPool(fiscal_year=fiscal_year),
        code="install",
        label="Installation",
        key=AllocationKey.EQUAL_PER_MEMBER,
        category=PoolCategory.SETUP,
        budget_amount=None,
    )
    assert install.budget_amount == Decimal("1000.00")  # the grid's "install" line
    # The grid's annual cap is one amount for all staff time: a second staff-time pool takes
    # what the first leaves of it.
    costs.pool_save(pool=billing_year.rh, budget_amount=Decimal("9000"))
    staff = costs.pool_save(
        pool=CostPool(fiscal_year=fiscal_year),
        code="rh2",
        label="Temps RH",
        key=AllocationKey.STAFF_TIME,
        budget_amount=None,
    )
    assert staff.budget_amount == Decimal("3000.00")


def test_a_run_and_its_shares_never_change(billing_year):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    share = run.shares.first()
    share.amount = Decimal("1.00")
    with pytest.raises(ValidationError, match="instantané"):
        share.save()
    with pytest.raises(ValidationError, match="instantané"):
        share.delete()
    run.total = Decimal(0)
    with pytest.raises(ValidationError, match="instantané"):
        run.save()
    with pytest.raises(ValidationError, match="instantané"):
        run.delete()
    runs.run_lock(run=run)  # the one change allowed: a titre uses it
    run.refresh_from_db()
    assert run.total == Decimal("33000.00")
    assert run.shares.get(pk=share.pk).amount != Decimal("1.00")
