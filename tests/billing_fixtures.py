"""Billing fixtures, loaded as a pytest plugin from conftest: the `world` in 2026.

Five tenants: world's four (blois paid by A; agglo paid by B; blaisois shared by A and B, B
pays; cd37 the coordinator's) and tours, paid by A, opened on 15 March 2026 (9 months).
Pools: HEB per tenant, VOL per volume on 1 January, RH staff time capped, INST equal per member.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from billing.models import (
    AllocationKey,
    CostPool,
    Expense,
    PoolCategory,
    RunKind,
    StaffTime,
    StorageVolume,
    TariffLine,
    TariffLineKind,
)
from billing.services import costs, grids, runs
from partners import services as partner_services
from partners.models import Tenant
from titres.models import FiscalYear

JAN_1 = datetime.date(2026, 1, 1)
VOLUMES_GB = {"blois": "1250", "agglo": "3000", "blaisois": "2050", "cd37": "8000"}


@dataclass
class BillingYear:
    fiscal_year: FiscalYear
    tours: Tenant
    heb: CostPool
    vol: CostPool
    rh: CostPool
    inst: CostPool


@pytest.fixture
def billing_year(world) -> BillingYear:
    return build_billing_year(world)


def build_billing_year(world) -> BillingYear:
    fiscal_year = grids.fiscal_year_create(consortium=world.consortium, year=2026)
    grid = fiscal_year.grid
    for code, label, kind, amount, unit in (
        ("heb", "Hébergement et maintenance", TariffLineKind.POOL_BUDGET, "10000", "€/an"),
        ("vol", "Volumétrie", TariffLineKind.POOL_BUDGET, "10000", "€/an"),
        ("tj", "Taux journalier RH", TariffLineKind.DAY_RATE, "450", "€/jour"),
        ("plafond", "Plafond RH annuel", TariffLineKind.STAFF_CAP, "12000", "€/an"),
        ("install", "Installation commune", TariffLineKind.SETUP, "1000", "€"),
    ):
        grids.tariff_line_save(
            line=TariffLine(grid=grid),
            code=code,
            label=label,
            kind=kind,
            amount=Decimal(amount),
            unit=unit,
        )
    tours = partner_services.tenant_create(
        consortium=world.consortium,
        code="tours",
        name="Tours",
        opened_on=datetime.date(2026, 3, 15),
        payer=world.partner_a,
    )

    def pool(code, label, key, budget, category=PoolCategory.OPERATION, **extra):
        return costs.pool_save(
            pool=CostPool(fiscal_year=fiscal_year),
            code=code,
            label=label,
            key=key,
            budget_amount=Decimal(budget),
            category=category,
            **extra,
        )

    heb = pool("heb", "Hébergement et maintenance", AllocationKey.PER_TENANT, "10000")
    vol = pool("vol", "Volumétrie", AllocationKey.STORAGE_VOLUME, "10000")
    rh = pool("rh", "Temps RH du coordonnateur", AllocationKey.STAFF_TIME, "12000")
    inst = pool(
        "inst", "Installation commune", AllocationKey.EQUAL_PER_MEMBER, "1000", PoolCategory.SETUP
    )
    for tenant in (world.tenant_a, world.tenant_b, world.tenant_shared, world.tenant_coordinator):
        StorageVolume.objects.create(
            tenant=tenant, measured_on=JAN_1, gigabytes=Decimal(VOLUMES_GB[tenant.code])
        )
    return BillingYear(fiscal_year, tours, heb, vol, rh, inst)


def record_actuals(
    year: BillingYear,
    *,
    heb: str = "11400",
    vol: str = "9500",
    inst: str = "1200",
    staff_until: datetime.date = datetime.date(2026, 12, 31),
) -> None:
    """Year-end: invoices and 30 days of staff time (13 500 €, capped at 12 000 €)."""
    for pool, amount in ((year.heb, heb), (year.vol, vol), (year.inst, inst)):
        costs.expense_save(
            expense=Expense(pool=pool),
            invoice_date=datetime.date(2026, 6, 30),
            vendor="Prestataire SAE",
            contract_lot="Lot 1",
            reference="F-2026-001",
            amount=Decimal(amount),
        )
    costs.staff_time_save(
        staff_time=StaffTime(pool=year.rh), period_end=staff_until, days=Decimal(30)
    )


@pytest.fixture
def two_runs(world, billing_year):
    """The 2026 budget run, then the year's actuals and the actual run."""
    budget = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    record_actuals(billing_year)
    actual = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    return budget, actual
