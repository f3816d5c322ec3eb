"""Purchase orders on the billing `world` of 2026: a grid unit price, the ordering period, and
orders in each state (for the permission matrix and the final-rows tests)."""

import datetime
from decimal import Decimal

from billing.models import PurchaseOrder, TariffLine, TariffLineKind
from billing.services import grids, order_review, orders
from billing.services.orders import LineInput
from tests.titre_fixtures import settings_for

IN_PERIOD = datetime.date(2026, 3, 10)
AFTER_PERIOD = datetime.date(2026, 6, 15)


def unit_price(fiscal_year) -> TariffLine:
    line = TariffLine.objects.filter(grid__fiscal_year=fiscal_year, code="to").first()
    return line or grids.tariff_line_save(
        line=TariffLine(grid=fiscal_year.grid),
        code="to",
        label="Stockage supplémentaire",
        kind=TariffLineKind.UNIT_PRICE,
        amount=Decimal("420.00"),
        unit="€/To/an",
    )


def open_period(fiscal_year):
    return orders.ordering_period_save(
        fiscal_year=fiscal_year,
        opens_on=datetime.date(2026, 2, 1),
        closes_on=datetime.date(2026, 3, 31),
    )


def draft_order(world, fiscal_year, partner=None, tenant=None, grid=True) -> PurchaseOrder:
    """A grid line (2.5 × 420 €) and a free line; `grid=False`: the free line only (a grid
    frozen by an issued titre takes no new unit price)."""
    partner = partner or world.partner_a
    lines = [LineInput(quantity=Decimal("1"), label="Reprise de 40 000 actes numérisés")]
    if grid:
        lines.insert(0, LineInput(quantity=Decimal("2.5"), tariff_line=unit_price(fiscal_year)))
    return orders.order_save(
        partner=partner,
        fiscal_year=fiscal_year,
        tenant=tenant,
        reason="Extension du stockage pour les archives de l'état civil",
        lines=lines,
    )


def submitted_order(world, fiscal_year, partner=None, tenant=None, grid=True) -> PurchaseOrder:
    open_period(fiscal_year)
    order = draft_order(world, fiscal_year, partner, tenant, grid)
    return orders.order_submit(order=order, today=IN_PERIOD)


def issued_order(
    world, fiscal_year, partner=None, tenant=None, grid=True, **kwargs
) -> PurchaseOrder:
    settings_for(world)
    order = submitted_order(world, fiscal_year, partner, tenant, grid)
    free = order.lines.get(tariff_line=None)
    return order_review.order_issue(
        order=order, prices={free.pk: Decimal("1500.00")}, today=IN_PERIOD, **kwargs
    )
