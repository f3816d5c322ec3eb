"""Direct charges from the grid: a partner's withdrawal fees, reversibility, set-up lines…

Each grid line of the asked kind becomes one direct pool on the partner, with the line's amount
as its budget and one expense of the same amount, so that the budget run and the actual run
both bill it (and the true-up does not refund it). Charging again changes nothing.
"""

import datetime

from django.db import transaction

from billing.models import AllocationKey, CostPool, SpreadOn, TariffLine
from billing.services.costs import grid_fee_expense, pool_save
from partners.models import Partner
from titres.models import FiscalYear


def _code(prefix: str, partner: Partner, line: TariffLine) -> str:
    return f"{prefix}-{partner.pk}-{line.code}"[:30]


@transaction.atomic
def grid_charges_to_partner(
    *,
    fiscal_year: FiscalYear,
    partner: Partner,
    kind: str,
    category: str,
    day: datetime.date,
    prefix: str,
) -> list[CostPool]:
    """One direct pool per grid line of `kind`, charged to `partner` whatever its status."""
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)  # one charging at a time
    pools = []
    for line in TariffLine.objects.filter(grid__fiscal_year=fiscal_year, kind=kind, amount__gt=0):
        code = _code(prefix, partner, line)
        existing = CostPool.objects.filter(fiscal_year=fiscal_year, code=code).first()
        if existing is not None:
            pools.append(existing)
            continue
        pool = pool_save(
            pool=CostPool(fiscal_year=fiscal_year),
            code=code,
            label=f"{line.label} — {partner.short_name}"[:200],
            category=category,
            key=AllocationKey.DIRECT,
            budget_amount=line.amount,
            direct_partner=partner,
            spread_on=SpreadOn.ALL,
        )
        grid_fee_expense(pool=pool, line=line, day=day)
        pools.append(pool)
    return pools
