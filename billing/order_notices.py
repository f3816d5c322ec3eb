"""E-mails of a purchase order: on submission to the coordinator's finance staff, on each decision
to the partner's users and its billing address."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.selectors import staff_addresses
from billing.models import OrderNotice, PurchaseOrder
from ligeris.lib.email import send_templated_email
from ligeris.lib.roles import Role

TO_COORDINATOR = ("submitted",)
EVENTS = ("submitted", "changes_requested", "refused", "issued")


def _finance_addresses(order: PurchaseOrder) -> list[str]:
    consortium = order.fiscal_year.consortium
    addresses = set(staff_addresses(consortium.pk, [Role.FINANCE]))
    coordinator = consortium.coordinator
    if not addresses and coordinator is not None and coordinator.billing_email:
        addresses.add(coordinator.billing_email)
    return sorted(addresses)


def _partner_addresses(order: PurchaseOrder) -> list[str]:
    users = User.objects.filter(is_active=True, role=Role.PARTNER, partner=order.partner)
    addresses = set(users.values_list("email", flat=True))
    if order.partner.billing_email:
        addresses.add(order.partner.billing_email)
    return sorted(addresses)


def order_notice_send(notice_id: int) -> int:
    """Send the notice's e-mail unless it was sent already; how many addresses it went to.

    The notice's row is locked and dated in the transaction of the send, as a titre's e-mail is:
    a task delivered twice (a worker lost, a sweep meeting a late task) finds it sent.
    """
    with transaction.atomic():
        notice = (
            OrderNotice.objects.select_for_update(of=("self",))
            .select_related("order__fiscal_year__consortium__coordinator", "order__partner")
            .get(pk=notice_id)
        )
        if notice.sent_at is not None:
            return 0
        order, event = notice.order, notice.event
        if event not in EVENTS:
            raise ValueError(event)
        to = _finance_addresses(order) if event in TO_COORDINATOR else _partner_addresses(order)
        notice.sent_at = timezone.now()
        notice.recipients = len(to)
        notice.save(update_fields=["sent_at", "recipients"])
        if to:
            _send(order, event, to)
        return len(to)


def _send(order: PurchaseOrder, event: str, to: list[str]) -> None:
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


def unsent_notices(older_than: datetime.timedelta) -> list[int]:
    """The notices whose task never ran (the queue was down at the commit), oldest first."""
    before = timezone.now() - older_than
    unsent = OrderNotice.objects.filter(sent_at__isnull=True, created_at__lt=before)
    return list(unsent.values_list("pk", flat=True)[:500])
