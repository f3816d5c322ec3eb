"""Two coordinators moving a tenant's payer at the same moment: still exactly one payer."""

import threading

import pytest
from django.db import connection

from partners import services
from partners.models import Holding
from tests.conftest import ON_POSTGRES
from tests.factories import PartnerFactory
from tests.races import unscoped_thread

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="row locks are PostgreSQL's (run by the PostgreSQL half)"
    ),
]


def test_concurrent_payer_moves_leave_exactly_one_payer(transactional_db, world):
    tenant = world.tenant_shared
    for _ in range(6):
        services.holding_add(tenant=tenant, partner=PartnerFactory(consortium=world.consortium))
    holdings = list(tenant.holdings.filter(is_payer=False))
    barrier = threading.Barrier(len(holdings))
    errors = []

    def move(holding_pk):
        try:
            barrier.wait(timeout=10)
            services.holding_make_payer(holding=Holding.objects.get(pk=holding_pk))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [unscoped_thread(move, h.pk) for h in holdings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert tenant.holdings.filter(is_payer=True).count() == 1


def test_concurrent_additions_of_a_payer_never_make_two(transactional_db, world):
    """Without the service's lock the partial unique index still refuses the second payer."""
    tenant = world.tenant_a
    Holding.objects.filter(tenant=tenant).update(is_payer=False)  # a tenant left without payer
    partners = [PartnerFactory(consortium=world.consortium) for _ in range(4)]
    barrier = threading.Barrier(len(partners))
    outcomes = []

    def add(partner):
        try:
            barrier.wait(timeout=10)
            services.holding_add(tenant=tenant, partner=partner, is_payer=True)
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [unscoped_thread(add, p) for p in partners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} == {"ValidationError"}
    assert tenant.holdings.filter(is_payer=True).count() == 1
