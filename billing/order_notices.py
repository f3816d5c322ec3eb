"""E-mails of a purchase order: on submission to the coordinator's finance staff, on each decision
to the partner's users and its billing address."""

from django.conf import settings

from accounts.models import User
from billing.models import PurchaseOrder
from ligeris.lib.email import send_templated_email
from ligeris.lib.roles import Role

TO_COORDINATOR = ("submitted",)
EVENTS = ("submitted", "changes_requested", "refused", "issued")


def _finance_addresses(order: PurchaseOrder) -> list[str]:
    staff = User.objects.filter(is_active=True, role=Role.FINANCE).values_list("email", flat=True)
    addresses = set(staff)
    coordinator = order.fiscal_year.consortium.coordinator
    if not addresses and coordinator is not None and coordinator.billing_email:
        addresses.add(coordinator.billing_email)
    return sorted(addresses)


def _partner_addresses(order: PurchaseOrder) -> list[str]:
    users = User.objects.filter(is_active=True, role=Role.PARTNER, partner=order.partner)
    addresses = set(users.values_list("email", flat=True))
    if order.partner.billing_email:
        addresses.add(order.partner.billing_email)
    return sorted(addresses)


def order_notice_send(order_id: int, event: str) -> int:
    if event not in EVENTS:
        raise ValueError(event)
    order = PurchaseOrder.objects.select_related(
        "fiscal_year__consortium__coordinator", "partner", "tenant"
    ).get(pk=order_id)
    to = _finance_addresses(order) if event in TO_COORDINATOR else _partner_addresses(order)
    if not to:
        return 0
    link = settings.LIGERIS_BASE_URL.rstrip("/") + order.get_absolute_url()
    attachments = []
    if event == "issued" and order.pdf:
        attachments.append(
            (f"bon-de-commande-{order.reference}.pdf", bytes(order.pdf), "application/pdf")
        )
    send_templated_email(
        "order_notice",
        to=to,
        context={"order": order, "event": event, "link": link},
        attachments=attachments,
    )
    return len(to)
