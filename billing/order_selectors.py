"""Reads of the purchase orders, scoped to what the user may see: a partner user its own
partner's orders only; the partner inbox reads the two lists it shows from here."""

from django.db.models import QuerySet

from billing.models import OrderState, PurchaseOrder, Share
from ligeris.lib.roles import Role, role_of
from partners.models import Partner
from partners.selectors import acting_partner_id


def orders_visible_to(user) -> QuerySet[PurchaseOrder]:
    orders = PurchaseOrder.objects.select_related("fiscal_year", "partner", "tenant")
    if role_of(user) in (Role.ADMIN, Role.FINANCE):
        return orders
    return orders.filter(partner_id=acting_partner_id(user))


def orders_awaiting_partner(partner: Partner) -> QuerySet[PurchaseOrder]:
    """What the partner must act on: its orders sent back for changes."""
    return (
        PurchaseOrder.objects.select_related("fiscal_year")
        .filter(partner=partner, state=OrderState.CHANGES_REQUESTED)
        .order_by("-decided_at", "-pk")
    )


def orders_sent_by(partner: Partner) -> QuerySet[PurchaseOrder]:
    """What the partner sent: its orders beyond the draft, with their states, latest first."""
    return (
        PurchaseOrder.objects.select_related("fiscal_year")
        .filter(partner=partner)
        .exclude(state=OrderState.DRAFT)
        .order_by("-submitted_at", "-pk")
    )


def orders_awaiting_coordinator() -> QuerySet[PurchaseOrder]:
    return PurchaseOrder.objects.filter(state=OrderState.SUBMITTED)


def issued_orders_with_charges(user) -> list[dict]:
    """The issued orders the user sees, each with its share in the latest run that includes
    its charge (the actual run for the next titre, a specific run for a specific titre)."""
    orders = list(
        orders_visible_to(user).filter(state=OrderState.ISSUED).order_by("-issued_on", "-number")
    )
    shares = {}
    latest_first = Share.objects.filter(pool_id__in=[o.pool_id for o in orders]).order_by(
        "-run__created_at", "-run_id"
    )
    for share in latest_first.select_related("run__fiscal_year"):
        shares.setdefault(share.pool_id, share)
    return [{"order": order, "share": shares.get(order.pool_id)} for order in orders]
