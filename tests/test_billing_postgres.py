"""Locks and constraints of the billing app on PostgreSQL."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import AllocationRun, RunKind, StorageVolume
from billing.services import runs
from tests.billing_fixtures import build_billing_year
from tests.conftest import ON_POSTGRES
from tests.races import unscoped_thread
from titres.models import FiscalYear

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="row locks are PostgreSQL's (run by the PostgreSQL half)"
    ),
]


def test_concurrent_runs_get_distinct_versions(transactional_db, world):
    year = build_billing_year(world)
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            runs.run_create(
                fiscal_year=FiscalYear.objects.get(pk=year.fiscal_year.pk), kind=RunKind.BUDGET
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [unscoped_thread(run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    versions = sorted(AllocationRun.objects.values_list("version", flat=True))
    assert versions == [1, 2, 3, 4]
    for run_ in AllocationRun.objects.all():
        assert sum(s.amount for s in run_.shares.filter(pool_code="heb")) == Decimal("10000.00")


def test_database_refuses_two_readings_for_a_tenant_and_date(db, world):
    day = datetime.date(2026, 1, 1)
    StorageVolume.objects.create(tenant=world.tenant_a, measured_on=day, gigabytes=Decimal(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        StorageVolume.objects.create(tenant=world.tenant_a, measured_on=day, gigabytes=Decimal(2))
    with pytest.raises(IntegrityError), transaction.atomic():
        StorageVolume.objects.create(tenant=world.tenant_b, measured_on=day, gigabytes=Decimal(-1))
