"""Purchase orders, the partner's side: the year's ordering period, drafting, submitting and
withdrawing an order (articles 5 and 7: once a year in a period set at the start of the year,
emergencies apart). The coordinator's decisions are in `order_review`.

Every change is one transaction on the order's locked row; auditlog records each step.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import (
    OrderingPeriod,
    OrderNotice,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
    TariffLine,
    TariffLineKind,
)
from ligeris.lib.audit import DELETE, bulk_log, log_created, raw_delete
from ligeris.lib.services import save_validated as save
from partners.models import Partner, Tenant
from titres.models import FiscalYear
from titres.money import round_money

#: An order's lines, at most: a form posts no more (bounded work for any input).
MAX_LINES = 30


@dataclass(frozen=True)
class LineInput:
    """A line as the partner types it: a grid unit price, or a free label left to be priced."""

    quantity: Decimal
    tariff_line: TariffLine | None = None
    label: str = ""


@transaction.atomic
def ordering_period_save(
    *, fiscal_year: FiscalYear, opens_on: datetime.date, closes_on: datetime.date
) -> OrderingPeriod:
    """Finance staff set (or move) the year's ordering period, inside the year."""
    year = fiscal_year.year
    for field, day in (("opens_on", opens_on), ("closes_on", closes_on)):
        if day is not None and day.year != year:
            raise ValidationError(
                {field: _("La date doit appartenir à l'exercice %(year)s.") % {"year": year}}
            )
    period = OrderingPeriod.objects.filter(fiscal_year=fiscal_year).first()
    period = period or OrderingPeriod(fiscal_year=fiscal_year)
    return save(period, opens_on=opens_on, closes_on=closes_on)


def unit_price_lines(fiscal_year: FiscalYear):
    """The grid's unit prices a partner orders from (none: free lines only)."""
    return TariffLine.objects.filter(
        grid__fiscal_year=fiscal_year, kind=TariffLineKind.UNIT_PRICE
    ).order_by("code")


def locked_order(order: PurchaseOrder, states, refusal: str) -> PurchaseOrder:
    """The order's row, locked until commit, in one of `states` (else `refusal`)."""
    locked = (
        PurchaseOrder.objects.select_for_update().select_related("fiscal_year").get(pk=order.pk)
    )
    if locked.state not in states:
        raise ValidationError(refusal)
    return locked


def _check_tenant(partner: Partner, tenant: Tenant | None) -> None:
    if tenant is not None and not tenant.holdings.filter(partner=partner).exists():
        raise ValidationError({"tenant": _("Ce tenant n'est pas un de ceux du partenaire.")})


def _line_rows(order: PurchaseOrder, lines: list[LineInput]) -> list[PurchaseOrderLine]:
    if not lines:
        raise ValidationError(_("Un bon de commande a au moins une ligne."))
    if len(lines) > MAX_LINES:
        raise ValidationError(
            _("Un bon de commande a au plus %(count)s lignes.") % {"count": MAX_LINES}
        )
    prices = {line.pk: line for line in unit_price_lines(order.fiscal_year)}
    rows = []
    for position, line in enumerate(lines, start=1):
        if line.quantity is None or line.quantity <= 0:
            raise ValidationError(_("Ligne %(n)s : la quantité est positive.") % {"n": position})
        grid_line = line.tariff_line
        if grid_line is not None:
            if grid_line.pk not in prices:
                raise ValidationError(
                    _("Ligne %(n)s : ce prix n'est pas un prix unitaire de la grille %(year)s.")
                    % {"n": position, "year": order.fiscal_year.year}
                )
            rows.append(
                PurchaseOrderLine(
                    order=order,
                    position=position,
                    tariff_line=grid_line,
                    label=grid_line.label[:200],
                    unit=grid_line.unit,
                    quantity=line.quantity,
                    unit_price=grid_line.amount,
                    amount=round_money(line.quantity * grid_line.amount),
                )
            )
        elif line.label.strip():
            rows.append(
                PurchaseOrderLine(
                    order=order,
                    position=position,
                    label=line.label.strip()[:200],
                    quantity=line.quantity,
                )
            )
        else:
            raise ValidationError(
                _("Ligne %(n)s : choisissez un prix de la grille ou décrivez la prestation.")
                % {"n": position}
            )
    for row in rows:
        row.full_clean(exclude=["order"], validate_unique=False, validate_constraints=False)
    return rows


@transaction.atomic
def order_save(
    *,
    partner: Partner,
    fiscal_year: FiscalYear,
    reason: str,
    lines: list[LineInput],
    tenant: Tenant | None = None,
    order: PurchaseOrder | None = None,
    user=None,
) -> PurchaseOrder:
    """Draft a new order for `partner`, or change its draft (or the one sent back to it)."""
    if fiscal_year.consortium_id != partner.consortium_id:
        raise ValidationError(_("Cet exercice est celui d'un autre groupement."))
    _check_tenant(partner, tenant)
    if order is None:
        order = PurchaseOrder(fiscal_year=fiscal_year, partner=partner, created_by=user)
    else:
        order = locked_order(
            order,
            (OrderState.DRAFT, OrderState.CHANGES_REQUESTED),
            _("Seul un brouillon ou un bon renvoyé pour modification se modifie."),
        )
        if order.partner_id != partner.pk:
            raise ValidationError(_("Ce bon de commande est celui d'un autre partenaire."))
    order = save(order, tenant=tenant, reason=(reason or "").strip())
    rows = _line_rows(order, lines)
    old = list(order.lines.all())
    bulk_log(old, DELETE)
    raw_delete(order.lines.all())
    log_created(PurchaseOrderLine.objects.bulk_create(rows))
    return order


@transaction.atomic
def order_submit(
    *,
    order: PurchaseOrder,
    user=None,
    emergency_reason: str = "",
    today: datetime.date | None = None,
) -> PurchaseOrder:
    """Send the order to the coordinator: inside the year's period, or as an emergency with its
    written reason."""
    order = locked_order(
        order,
        (OrderState.DRAFT, OrderState.CHANGES_REQUESTED),
        _("Ce bon de commande est déjà soumis ou clos."),
    )
    if not order.lines.exists():
        raise ValidationError(_("Un bon de commande a au moins une ligne."))
    today = today or timezone.localdate()
    period = OrderingPeriod.objects.filter(fiscal_year=order.fiscal_year).first()
    emergency_reason = (emergency_reason or "").strip()
    in_period = period is not None and period.contains(today)
    if not in_period and not emergency_reason:
        if period is None:
            where = _("La période de commande %(year)s n'est pas encore fixée.") % {
                "year": order.fiscal_year.year
            }
        else:
            where = _("La période de commande est close : elle court du %(start)s au %(end)s.") % {
                "start": f"{period.opens_on:%d/%m/%Y}",
                "end": f"{period.closes_on:%d/%m/%Y}",
            }
        raise ValidationError(
            {
                "emergency_reason": where
                + " "
                + _(
                    "Hors période, une commande n'est soumise qu'en urgence, motif écrit à l'appui."
                )
            }
        )
    order = save(
        order,
        state=OrderState.SUBMITTED,
        emergency=not in_period,
        emergency_reason="" if in_period else emergency_reason,
        submitted_at=timezone.now(),
    )
    notify(order, "submitted")
    return order


@transaction.atomic
def order_withdraw(*, order: PurchaseOrder, user=None) -> PurchaseOrder:
    """The partner withdraws its order before the coordinator issues or refuses it."""
    order = locked_order(
        order,
        (OrderState.DRAFT, OrderState.SUBMITTED, OrderState.CHANGES_REQUESTED),
        _("Un bon de commande émis ou refusé ne se retire plus."),
    )
    return save(order, state=OrderState.CANCELLED, decided_at=timezone.now(), decided_by=user)


def notify(order: PurchaseOrder, event: str) -> None:
    """E-mail the other side once the transaction commits: the notice is written with the step
    (rolled back with it), its task queued after the commit and sent once."""
    from billing.tasks import send_order_notice

    notice = OrderNotice.objects.create(order=order, event=event)
    transaction.on_commit(lambda: send_order_notice.delay(notice.pk), robust=True)
