"""The demo has one purchase order in each state, each step at its own date of 2026."""

import datetime
import io
import zoneinfo

from django.core.management import call_command

from billing.models import OrderingPeriod, OrderState, PurchaseOrder

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def test_the_demo_has_one_order_in_each_state(db, mailoutbox):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    assert sorted(PurchaseOrder.objects.values_list("state", flat=True)) == sorted(
        OrderState.values
    )
    period = OrderingPeriod.objects.get()
    assert (period.opens_on, period.closes_on) == (
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 31),
    )
    issued = PurchaseOrder.objects.get(state=OrderState.ISSUED)
    assert issued.reference == "BC-2026-0001" and issued.partner.short_name == "Châteauroux"
    assert issued.pool.expenses.get().amount == issued.total
    assert issued.submitted_at.astimezone(PARIS).date() == datetime.date(2026, 2, 2)
    assert (
        issued.decided_at.astimezone(PARIS).date() == issued.issued_on == datetime.date(2026, 2, 7)
    )
    assert PurchaseOrder.objects.get(state=OrderState.CHANGES_REQUESTED).review_comment
    assert PurchaseOrder.objects.get(state=OrderState.REFUSED).refusal_reason
    assert not PurchaseOrder.objects.filter(emergency=True).exists()
