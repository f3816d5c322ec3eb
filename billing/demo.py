"""The demo cost-sharing year 2026, from `fixtures/billing_*`, through the services.

Idempotent: nothing happens if the consortium already has a 2026 fiscal year.
"""

import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from billing.models import CostPool, Expense, RunKind, StaffTime, TariffLine
from billing.services import costs, grids, runs, volumes
from ligeris.lib import demo_clock
from partners.models import Consortium
from titres.models import FiscalYear

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_YEAR = 2026


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_demo_billing(consortium: Consortium) -> FiscalYear:
    existing = FiscalYear.objects.filter(consortium=consortium, year=DEMO_YEAR).first()
    if existing is not None:
        return existing
    fiscal_year = grids.fiscal_year_create(consortium=consortium, year=DEMO_YEAR)
    for row in _rows(f"billing_{DEMO_YEAR}_grid.csv"):
        grids.tariff_line_save(
            line=TariffLine(grid=fiscal_year.grid),
            code=row["code"],
            label=row["label"],
            kind=row["kind"],
            amount=Decimal(row["amount"]),
            unit=row["unit"],
        )
    tenants = {t.code: t for t in consortium.tenants.all()}
    partners = {p.short_name: p for p in consortium.partners.all()}
    pools = {}
    for row in _rows(f"billing_{DEMO_YEAR}_pools.csv"):
        pools[row["code"]] = costs.pool_save(
            pool=CostPool(fiscal_year=fiscal_year),
            code=row["code"],
            label=row["label"],
            category=row["category"],
            key=row["key"],
            budget_amount=Decimal(row["budget_amount"]),
            direct_tenant=tenants.get(row["direct_tenant"]),
            direct_partner=partners.get(row["direct_partner"]),
            spread_on=row["spread_on"],
        )
    for row in _rows(f"billing_{DEMO_YEAR}_expenses.csv"):
        costs.expense_save(
            expense=Expense(pool=pools[row["pool"]]),
            invoice_date=datetime.date.fromisoformat(row["invoice_date"]),
            vendor=row["vendor"],
            contract_lot=row["contract_lot"],
            reference=row["reference"],
            amount=Decimal(row["amount"]),
            description=row["description"],
        )
    costs.staff_time_save(
        staff_time=StaffTime(pool=pools["rh"]),
        period_end=datetime.date(DEMO_YEAR, 6, 30),
        days=Decimal(52),
        description="Coordination, secrétariat des comités, suivi des marchés (1er semestre)",
    )
    name = f"billing_volumes_{DEMO_YEAR}-01-01.csv"
    volume_import, parsed = volumes.volume_import_preview(
        consortium=consortium, file_name=name, data=(FIXTURES / name).read_bytes()
    )
    if volume_import is None:
        raise ValueError(f"Demo volumes refused: {parsed.errors or parsed.rows_in_error}")
    volumes.volume_import_apply(volume_import=volume_import)
    with demo_clock.at("2026-01-12 09:30"):  # the budget run, a week before the annual titres
        runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    return fiscal_year
