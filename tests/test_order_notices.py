"""A purchase order's e-mails go through an outbox: written with the step, sent once however
often the task is delivered, and swept when the broker lost it."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from billing.models import OrderNotice
from billing.order_notices import order_notice_send
from billing.services import orders
from billing.tasks import send_order_notice, send_unsent_order_notices
from ligeris.lib.roles import Role
from tests.factories import ConsortiumFactory, UserFactory
from tests.order_fixtures import IN_PERIOD, draft_order, open_period, submitted_order


def test_the_notice_is_written_with_the_step_and_sent_once(
    world, billing_year, users, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = submitted_order(world, billing_year.fiscal_year)
    notice = OrderNotice.objects.get(order=order)
    assert (notice.event, notice.recipients) == ("submitted", 1)
    assert notice.sent_at is not None
    assert len(mailoutbox) == 1
    # The same task delivered again (a worker lost after the send): nothing more goes out.
    assert send_order_notice.run(notice.pk) == 0
    assert order_notice_send(notice.pk) == 0
    assert len(mailoutbox) == 1


def test_a_step_rolled_back_leaves_no_notice_and_queues_nothing(
    world, billing_year, users, mailoutbox, django_capture_on_commit_callbacks
):
    open_period(billing_year.fiscal_year)
    order = draft_order(world, billing_year.fiscal_year)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        orders.order_submit(order=order, today=IN_PERIOD)
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert not OrderNotice.objects.exists()
    assert mailoutbox == []


def test_the_sweep_sends_what_the_queue_lost_once(world, billing_year, users, mailoutbox):
    # Another consortium's finance staff never hear of this one's orders.
    other = ConsortiumFactory(name="GIP RECIA", short_name="RECIA")
    UserFactory(email="finance@recia.example.org", role=Role.FINANCE, consortia=[other])
    # No on-commit callback runs here: as if the broker had been down when the step committed.
    order = submitted_order(world, billing_year.fiscal_year)
    notice = OrderNotice.objects.get(order=order)
    assert notice.sent_at is None and mailoutbox == []
    assert send_unsent_order_notices.run() == 0  # too recent: its task may still be on its way
    OrderNotice.objects.filter(pk=notice.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    assert send_unsent_order_notices.run() == 1
    assert send_unsent_order_notices.run() == 0
    assert [m.to for m in mailoutbox] == [[users["finance"].email]]
