"""Purchase orders, the coordinator's side: issue a submitted order, send it back for changes,
or refuse it.

Issuing numbers the order per fiscal year under a row lock on the year's sequence (the titres'
own, kind "order": gapless, strictly increasing, a rolled-back issue gives its number back),
renders its PDF, stores its SHA-256, and charges the order's amount directly to the partner
(or its tenant) on its next titre or a specific one. All in one transaction.
"""

import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import ChargeOn, OrderState, PoolCategory, PurchaseOrder, SpreadOn
from billing.services.costs import direct_charge_record
from billing.services.orders import locked_order, notify
from ligeris.lib.services import save_validated as save
from titres.money import ZERO, round_money
from titres.services.common import next_number

#: Kind of the order numbering in the year's sequences (beside "titre" and "batch").
ORDER_SEQUENCE = "order"
NOT_SUBMITTED = _("Seul un bon de commande soumis au coordonnateur se décide.")
SPREAD = {ChargeOn.NEXT: SpreadOn.ACTUAL, ChargeOn.SPECIFIC: SpreadOn.SPECIFIC}


def _required(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


@transaction.atomic
def order_request_changes(*, order: PurchaseOrder, comment: str, user=None) -> PurchaseOrder:
    """Send the order back to the partner with a comment; it submits it again once changed."""
    comment = _required(comment, "comment", _("Dites au partenaire ce qu'il doit modifier."))
    order = locked_order(order, (OrderState.SUBMITTED,), NOT_SUBMITTED)
    order = save(
        order,
        state=OrderState.CHANGES_REQUESTED,
        review_comment=comment,
        decided_at=timezone.now(),
        decided_by=user,
    )
    notify(order, "changes_requested")
    return order


@transaction.atomic
def order_refuse(*, order: PurchaseOrder, reason: str, user=None) -> PurchaseOrder:
    reason = _required(reason, "reason", _("Un refus porte son motif."))
    order = locked_order(order, (OrderState.SUBMITTED,), NOT_SUBMITTED)
    order = save(
        order,
        state=OrderState.REFUSED,
        refusal_reason=reason,
        decided_at=timezone.now(),
        decided_by=user,
    )
    notify(order, "refused")
    return order


def _price_lines(order: PurchaseOrder, prices: dict[int, Decimal]) -> Decimal:
    """Free lines take the coordinator's price; grid lines keep the grid's. The total."""
    total = ZERO
    for line in order.lines.select_related("tariff_line").order_by("position"):
        if line.tariff_line_id is None:
            price = prices.get(line.pk)
            if price is None or price < 0:
                raise ValidationError(
                    _("Ligne %(n)s (« %(label)s ») : fixez son prix unitaire.")
                    % {"n": line.position, "label": line.label}
                )
            line.unit_price = round_money(price)
            line.amount = round_money(line.quantity * line.unit_price)
            save(line)
        total += line.amount
    if total <= 0:
        raise ValidationError(_("Le montant d'un bon de commande émis est positif."))
    return total


@transaction.atomic
def order_issue(
    *,
    order: PurchaseOrder,
    charge_on: str = ChargeOn.NEXT,
    prices: dict[int, Decimal] | None = None,
    user=None,
    today: datetime.date | None = None,
) -> PurchaseOrder:
    """Issue the submitted order: number, PDF, direct charge. It never changes afterwards."""
    from billing.order_pdf import order_pdf_bytes

    if charge_on not in SPREAD:
        raise ValidationError({"charge_on": _("Choisissez où imputer la commande.")})
    order = locked_order(order, (OrderState.SUBMITTED,), NOT_SUBMITTED)
    fiscal_year = order.fiscal_year
    total = _price_lines(order, prices or {})
    issued_on = today or timezone.localdate()
    order.number = next_number(fiscal_year.consortium, fiscal_year.year, ORDER_SEQUENCE)
    order.issued_on = issued_on
    order.total = total
    order.charge_on = charge_on
    # The expense is dated in the order's year (an order of a past year issued in January).
    last_day = datetime.date(fiscal_year.year, 12, 31)
    invoice_date = min(max(issued_on, fiscal_year.first_day), last_day)
    order.pool = direct_charge_record(
        fiscal_year=fiscal_year,
        partner=order.partner,
        tenant=order.tenant,
        code=order.reference,
        label=_("Bon de commande %(reference)s — %(partner)s")
        % {"reference": order.reference, "partner": order.partner.short_name},
        category=PoolCategory.ORDER,
        amount=total,
        invoice_date=invoice_date,
        vendor=(fiscal_year.consortium.coordinator or fiscal_year.consortium).name[:200],
        reference=order.reference,
        spread_on=SPREAD[charge_on],
    )
    pdf = order_pdf_bytes(order)
    order = save(
        order,
        state=OrderState.ISSUED,
        decided_at=timezone.now(),
        decided_by=user,
        pdf=pdf,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    notify(order, "issued")
    return order
