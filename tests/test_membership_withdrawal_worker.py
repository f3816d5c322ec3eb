"""The daily withdrawal task through a real Redis broker and a real Celery worker."""

import datetime

import pytest

from membership.models import WithdrawalNotice
from membership.services.withdrawal import notice_record
from membership.tasks import apply_due_withdrawals
from partners.models import PartnerStatus
from tests.test_celery_worker import real_worker, redis_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.celery_worker


def test_due_withdrawals_applied_once_by_a_real_worker(real_worker, world):  # noqa: F811
    received = datetime.date(2026, 5, 10)
    notice = notice_record(partner=world.partner_a, received_on=received, today=received)
    first = apply_due_withdrawals.delay()
    second = apply_due_withdrawals.apply_async(kwargs={"notice_ids": [notice.pk]})
    assert sorted([first.get(timeout=30), second.get(timeout=30)]) == [0, 1]
    world.partner_a.refresh_from_db()
    assert world.partner_a.status == PartnerStatus.WITHDRAWN
    assert WithdrawalNotice.objects.get().applied_at is not None
