"""Row locks of the withdrawal on PostgreSQL: one notice per partner, one application."""

import datetime
import threading

import pytest
from django.db import connection

from membership.models import WithdrawalNotice
from membership.services.withdrawal import notice_record, withdrawals_apply_due
from partners.models import Partner, PartnerStatus
from tests.conftest import ON_POSTGRES
from tests.races import unscoped_thread

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks are PostgreSQL's"),
]
MAY_10 = datetime.date(2026, 5, 10)


def _together(target, count=4):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(target())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [unscoped_thread(run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results, errors


def test_concurrent_notices_for_one_partner_keep_one(transactional_db, world):
    def record():
        partner = Partner.objects.get(pk=world.partner_a.pk)
        return notice_record(partner=partner, received_on=MAY_10, today=MAY_10)

    results, errors = _together(record)
    assert len(results) == 1 and len(errors) == 3
    assert all("n'est pas membre" in " ".join(e.messages) for e in errors)
    assert WithdrawalNotice.objects.count() == 1


def test_concurrent_daily_runs_apply_a_withdrawal_once(transactional_db, world):
    notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    results, errors = _together(lambda: withdrawals_apply_due(today=datetime.date(2026, 8, 10)))
    assert not errors
    assert sorted(results) == [0, 0, 0, 1]
    assert Partner.objects.get(pk=world.partner_a.pk).status == PartnerStatus.WITHDRAWN
