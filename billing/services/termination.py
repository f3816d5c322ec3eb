"""The costs of a termination by common accord (art. 7): termination shared equally among the
members, reversibility charged per the grid to each member partner or to each tenant."""

from django.db import transaction
from django.utils.translation import gettext as _

from billing.models import (
    AllocationKey,
    CostPool,
    PoolCategory,
    SpreadOn,
    TariffLine,
    TariffLineKind,
)
from billing.services.costs import grid_fee_expense, pool_save
from partners.models import Partner, Tenant
from titres.models import FiscalYear

TERMINATION_POOL_CODE = "resiliation"


def charged_per_tenant(line: TariffLine) -> bool:
    """A grid line priced "€/tenant" is owed by each tenant, any other by each member partner."""
    return "tenant" in line.unit.lower()


@transaction.atomic
def termination_pool_open(*, fiscal_year: FiscalYear) -> CostPool:
    """The pool the termination's invoices are charged to, shared equally among the members.

    Its budget is what the grid gives a line of the same code (none: the invoices decide).
    """
    existing = fiscal_year.pools.filter(code=TERMINATION_POOL_CODE).first()
    if existing is not None:
        return existing
    return pool_save(
        pool=CostPool(fiscal_year=fiscal_year),
        code=TERMINATION_POOL_CODE,
        label=_("Frais de résiliation d'un commun accord (à parts égales entre les membres)"),
        category=PoolCategory.TERMINATION,
        key=AllocationKey.EQUAL_PER_MEMBER,
        budget_amount=None,
        spread_on=SpreadOn.ALL,
    )


@transaction.atomic
def reversibility_charges_create(
    *, fiscal_year: FiscalYear, partners: list[Partner], tenants: list[Tenant]
) -> list[CostPool]:
    """One direct pool per grid reversibility line and partner (or tenant), at the grid's price."""
    lines = TariffLine.objects.filter(
        grid__fiscal_year=fiscal_year, kind=TariffLineKind.REVERSIBILITY
    ).order_by("code")
    pools = []
    for line in lines:
        per_tenant = charged_per_tenant(line)
        targets = tenants if per_tenant else partners
        for target in targets:
            code = f"rev{line.pk}-{'t' if per_tenant else 'p'}{target.pk}"
            pool = fiscal_year.pools.filter(code=code).first()
            if pool is None:
                name = target.code if per_tenant else target.short_name
                pool = pool_save(
                    pool=CostPool(fiscal_year=fiscal_year),
                    code=code,
                    label=f"{line.label} — {name}"[:200],
                    category=PoolCategory.REVERSIBILITY,
                    key=AllocationKey.DIRECT,
                    budget_amount=line.amount,
                    direct_tenant=target if per_tenant else None,
                    direct_partner=None if per_tenant else target,
                    spread_on=SpreadOn.ALL,
                )
                grid_fee_expense(pool=pool, line=line)
            pools.append(pool)
    return pools
