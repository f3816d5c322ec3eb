"""A generated consortium's cost sharing: fiscal years, grids, pools, volumes, expenses and runs.

Through the services, in the order of the year: grid and pools, the volumes of 1 January, the
budget run on 12 January, the year's expenses, then the actual run early the next year. Only
the annual titres need more than the services give in reasonable time (`billing.generate_titres`).
"""

import datetime
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from billing.models import (
    AllocationKey,
    AllocationRun,
    CostPool,
    Expense,
    PoolCategory,
    RunKind,
    StaffTime,
    TariffLine,
    TariffLineKind,
)
from billing.services import costs, grids, runs, volumes
from ligeris.lib import demo_clock
from partners.models import Consortium, Tenant
from titres.models import FiscalYear
from titres.money import round_money

#: (code, label, key, euros per tenant or member); indexed by 2 % a year.
POOLS = (
    ("heb", "Hébergement, infogérance et maintenance", AllocationKey.PER_TENANT, 1450),
    ("sauvegarde", "Sauvegarde et plan de reprise d'activité", AllocationKey.PER_TENANT, 380),
    ("vol", "Stockage (volumétrie au 1er janvier)", AllocationKey.STORAGE_VOLUME, 520),
    ("rh", "Temps RH du coordonnateur", AllocationKey.STAFF_TIME, 60),
    ("structure", "Frais de structure du groupement", AllocationKey.EQUAL_PER_MEMBER, 150),
)
DAY_RATE = Decimal(420)
INDEXATION = Decimal("1.02")


@dataclass
class GeneratedYear:
    fiscal_year: FiscalYear
    budget: AllocationRun
    actual: AllocationRun | None = None
    pools: dict[str, CostPool] = field(default_factory=dict)


def _grid_and_pools(fiscal_year: FiscalYear, tenants: int, members: int, index: int) -> dict:
    factor = INDEXATION**index
    budgets = {
        code: round_money(
            Decimal(rate) * (members if key == AllocationKey.EQUAL_PER_MEMBER else tenants) * factor
        )
        for code, _label, key, rate in POOLS
    }
    lines = [
        ("tj", "Taux journalier du temps RH du coordonnateur", TariffLineKind.DAY_RATE, DAY_RATE),
        (
            "plafond-rh",
            "Plafond annuel du temps RH du coordonnateur",
            TariffLineKind.STAFF_CAP,
            round_money(budgets["rh"] * Decimal("1.1")),
        ),
        *(
            (code, label, TariffLineKind.POOL_BUDGET, budgets[code])
            for code, label, _key, _rate in POOLS
            if code != "rh"
        ),
    ]
    for code, label, kind, amount in lines:
        grids.tariff_line_save(
            line=TariffLine(grid=fiscal_year.grid),
            code=code,
            label=label,
            kind=kind,
            amount=amount,
            unit="€/jour" if kind == TariffLineKind.DAY_RATE else "€/an",
        )
    return {
        code: costs.pool_save(
            pool=CostPool(fiscal_year=fiscal_year),
            code=code,
            label=label,
            category=PoolCategory.OPERATION,
            key=key,
            budget_amount=budgets[code],
        )
        for code, label, key, _rate in POOLS
    }


def _volumes(consortium: Consortium, day: datetime.date, base: dict, growth: float) -> None:
    """The readings of `day` for every tenant open then, imported as a file would be."""
    rows = ["tenant;date;volume;unité"]
    for tenant, gigabytes in base.items():
        if tenant.opened_on <= day and (tenant.closed_on is None or tenant.closed_on >= day):
            volume = f"{gigabytes * growth:.3f}".replace(".", ",")
            rows.append(f"{tenant.code};{day:%d/%m/%Y};{volume};Go")
    name = f"volumetrie_{day.isoformat()}.csv"
    volume_import, parsed = volumes.volume_import_preview(
        consortium=consortium, file_name=name, data="\n".join(rows).encode()
    )
    if volume_import is None:
        raise ValueError(f"Generated volumes refused: {parsed.errors or parsed.rows_in_error}")
    volumes.volume_import_apply(volume_import=volume_import)


def _expenses(pools: dict[str, CostPool], rng: random.Random) -> None:
    """The year's invoices (three per pool) and declared staff time, a few % off the budget."""
    year = pools["heb"].fiscal_year.year
    for code, pool in pools.items():
        actual = pool.budget_amount * Decimal(rng.uniform(0.96, 1.04))
        if code == "rh":
            days = (actual / DAY_RATE / 2).quantize(Decimal("0.5"))
            for month in (6, 12):
                costs.staff_time_save(
                    staff_time=StaffTime(pool=pool),
                    period_end=datetime.date(year, month, 30 if month == 6 else 31),
                    days=days,
                    description="Coordination, secrétariat des comités, suivi des marchés",
                )
            continue
        for number, month in enumerate((3, 7, 11), start=1):
            costs.expense_save(
                expense=Expense(pool=pool),
                invoice_date=datetime.date(year, month, 15),
                vendor="Prestataire du marché mutualisé",
                contract_lot=f"Lot {number}",
                reference=f"F{year}-{code}-{number}",
                amount=round_money(actual / 3),
                description=pool.label,
            )


def generate_years(
    *, consortium: Consortium, years: int, rng: random.Random, on_budget=None, log=None
) -> list[GeneratedYear]:
    """`years` fiscal years up to this one: each with its grid, pools, volumes and budget run;
    each past year with its expenses and actual run. `on_budget(year)` runs right after each
    budget run (the annual titres), before the year's expenses; `log(text)` tells each year."""
    tenants = list(Tenant.objects.filter(consortium=consortium).order_by("pk"))
    base = {tenant: rng.lognormvariate(5.5, 1.0) for tenant in tenants}
    members = consortium.partners.count()
    this_year = timezone.localdate().year
    generated = []
    for index, year in enumerate(range(this_year - years + 1, this_year + 1)):
        start = time.perf_counter()
        fiscal_year = grids.fiscal_year_create(consortium=consortium, year=year)
        first_day = fiscal_year.first_day
        open_tenants = sum(1 for t in tenants if t.opened_on.year <= year)
        pools = _grid_and_pools(fiscal_year, open_tenants, members, index)
        with demo_clock.at(f"{year}-01-02 09:00"):
            _volumes(consortium, first_day, base, 1.15**index)
        with demo_clock.at(f"{year}-01-12 09:30"):
            budget = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
        item = GeneratedYear(fiscal_year=fiscal_year, budget=budget, pools=pools)
        if on_budget is not None:
            on_budget(item)
        if year < this_year:
            _expenses(pools, rng)
            with demo_clock.at(f"{year + 1}-01-10 09:30"):
                item.actual = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.ACTUAL)
        generated.append(item)
        if log is not None:
            log(f"    {year} : {time.perf_counter() - start:.1f} s")
    return generated
