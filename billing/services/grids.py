"""Fiscal years and their tariff grids (annex 1 of the convention)."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import (
    AllocationKey,
    CostPool,
    PoolCategory,
    TariffGrid,
    TariffLine,
    TariffLineKind,
)
from billing.services.costs import pool_save, staff_budget_room
from ligeris.lib.services import save_validated as save
from partners.models import Consortium
from titres.models import FiscalYear
from titres.money import format_euros, round_money


@transaction.atomic
def fiscal_year_create(*, consortium: Consortium, year: int) -> FiscalYear:
    """A fiscal year with its (empty) tariff grid, effective 1 January."""
    if FiscalYear.objects.filter(consortium=consortium, year=year).exists():
        raise ValidationError({"year": _("L'exercice %(year)s existe déjà.") % {"year": year}})
    fiscal_year = save(FiscalYear(consortium=consortium), year=year)
    save(TariffGrid(fiscal_year=fiscal_year), effective_on=datetime.date(year, 1, 1))
    return fiscal_year


def _check_not_frozen(grid: TariffGrid) -> None:
    if grid.frozen_at is not None:
        raise ValidationError(
            _(
                "La grille tarifaire %(year)s est figée : un titre émis l'utilise. Créez la "
                "grille de l'exercice suivant."
            )
            % {"year": grid.fiscal_year.year}
        )


@transaction.atomic
def tariff_line_save(*, line: TariffLine, **fields: Any) -> TariffLine:
    grid = TariffGrid.objects.select_for_update().get(pk=line.grid_id)
    _check_not_frozen(grid)
    line = save(line, **fields)
    if line.kind == TariffLineKind.STAFF_CAP:
        _check_staff_budgets(grid, line.amount)
    return line


def _check_staff_budgets(grid: TariffGrid, cap: Decimal) -> None:
    """A cap lowered below the staff-time budgets already set is refused (annex 1)."""
    budgets = CostPool.objects.filter(
        fiscal_year=grid.fiscal_year_id, key=AllocationKey.STAFF_TIME
    ).aggregate(total=Sum("budget_amount"))["total"] or Decimal(0)
    if budgets > cap:
        raise ValidationError(
            {
                "amount": _(
                    "Les budgets de temps RH de l'exercice totalisent %(budgets)s : le plafond "
                    "annuel ne peut être inférieur."
                )
                % {"budgets": format_euros(budgets)}
            }
        )


@transaction.atomic
def tariff_line_delete(*, line: TariffLine) -> None:
    grid = TariffGrid.objects.select_for_update().get(pk=line.grid_id)
    _check_not_frozen(grid)
    line.delete()


@transaction.atomic
def grid_freeze(*, grid: TariffGrid) -> TariffGrid:
    """Called when a titre using the grid is issued: the grid no longer changes."""
    if grid.frozen_at is None:
        save(grid, frozen_at=timezone.now())
    return grid


@transaction.atomic
def grid_copy_to_next_year(
    *, grid: TariffGrid, rate: Decimal, line_rates: dict[str, Decimal] | None = None
) -> TariffGrid:
    """Next year's grid from this one, every amount indexed by `rate` % (or its line's rate).

    Effective 1 January of the next year. Refused if that grid already has lines.
    """
    line_rates = line_rates or {}
    for value in (rate, *line_rates.values()):
        if value <= Decimal(-100):
            raise ValidationError({"rate": _("Un taux d'indexation doit dépasser -100 %.")})
    source_year = grid.fiscal_year
    target_year = FiscalYear.objects.filter(
        consortium=source_year.consortium, year=source_year.year + 1
    ).first() or fiscal_year_create(consortium=source_year.consortium, year=source_year.year + 1)
    target = TariffGrid.objects.select_for_update().get(fiscal_year=target_year)
    if target.lines.exists():
        raise ValidationError(
            _("La grille %(year)s a déjà des lignes : elle n'est pas remplacée.")
            % {"year": target_year.year}
        )
    _check_not_frozen(target)
    save(target, copied_from=grid, indexation_rate=rate)
    for line in grid.lines.order_by("code"):
        line_rate = line_rates.get(line.code, rate)
        save(
            TariffLine(grid=target),
            code=line.code,
            label=line.label,
            kind=line.kind,
            unit=line.unit,
            amount=round_money(line.amount * (1 + line_rate / 100)),
        )
    _copy_recurring_pools(source_year, target_year, rate)
    return target


def _copy_recurring_pools(source: FiscalYear, target: FiscalYear, rate: Decimal) -> None:
    """The next year starts with this year's recurring pools (not one-off services or penalties).

    A pool takes its budget from the new grid's line of the same code, else this year's budget
    indexed by `rate`. Nothing is copied if the next year already has pools.
    """
    if target.pools.exists():
        return
    one_off = (PoolCategory.ADDITIONAL, PoolCategory.LITIGATION, PoolCategory.ORDER)
    for pool in source.pools.exclude(category__in=one_off).order_by("code"):
        has_line = target.grid.lines.filter(code=pool.code).exists()
        budget = None if has_line else round_money(pool.budget_amount * (1 + rate / 100))
        copy = CostPool(fiscal_year=target, key=pool.key)
        room = staff_budget_room(copy) if pool.key == AllocationKey.STAFF_TIME else None
        if budget is not None and room is not None:
            budget = min(budget, room)  # the new grid's cap, indexed at its own rate, holds
        pool_save(
            pool=copy,
            code=pool.code,
            label=pool.label,
            category=pool.category,
            key=pool.key,
            budget_amount=budget,
            direct_tenant=pool.direct_tenant,
            direct_partner=pool.direct_partner,
            spread_on=pool.spread_on,
        )
