"""Fiscal years and their tariff grids (annex 1 of the convention)."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import FiscalYear, TariffGrid, TariffLine
from billing.money import round_money
from billing.services._common import save
from partners.models import Consortium


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
    return save(line, **fields)


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
    return target
