"""The demo cost-sharing year loads through the services, once."""

import io
from decimal import Decimal

from django.core.management import call_command

from billing.models import AllocationRun, RunKind, StorageVolume
from titres.models import FiscalYear


def test_demo_billing_year(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    year = FiscalYear.objects.get(consortium__short_name="Ligeris")
    assert year.year == 2026
    assert year.grid.lines.count() == 9
    assert StorageVolume.objects.count() == 13
    run = AllocationRun.objects.get()
    assert (run.kind, run.version) == (RunKind.BUDGET, 1)
    assert run.total == Decimal("201500.00")
    for pool in ("heb", "vol", "rh", "install", "deploiement-tours"):
        shares = run.shares.filter(pool_code=pool)
        assert sum(s.amount for s in shares) == shares.first().pool_amount
    assert run.shares.filter(borne_by_coordinator=True, tenant__code="cd37").exists()
