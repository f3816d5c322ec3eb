"""Benchmark: drafting and issuing a batch of 300 and 3,000 titres, one per tenant.

Run with `make bench` (or `scripts/with-postgres .venv/bin/python bench/titre_issue.py`; on
PostgreSQL when `DATABASE_URL` is set, else a throwaway SQLite file; `--sizes 300` for a quick
run). Prints a Markdown table and writes it into docs/PERFORMANCE.md, between its bench markers.
Not a test: nothing here asserts a duration (the tests assert the query counts).

The consortium is generated straight into the tables: one paying member per tenant, a budget
run whose `inputs` JSON is as large as a real run's (about 300 bytes a tenant: 0.9 MB at 3,000)
with two shares per tenant. Then `drafts_from_run` and `batch_issue` run through the services
and commit, as the batch page does; the job that renders and e-mails is not queued.
"""

import argparse
import contextlib
import datetime
import os
import platform
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "ligeris.settings"
_VAR = tempfile.TemporaryDirectory(prefix="ligeris-bench-")
os.environ["LIGERIS_VAR_DIR"] = _VAR.name

import django  # noqa: E402

django.setup()
from ligeris.lib.scopes import unscope_script  # noqa: E402

unscope_script()  # a bench reads and writes every consortium's rows

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from billing.models import (  # noqa: E402
    AllocationKey,
    AllocationRun,
    CostPool,
    PoolCategory,
    RunKind,
    Share,
    SpreadOn,
)
from billing.services import grids, titres  # noqa: E402
from partners.models import Consortium, Partner, PartnerKind, Tenant  # noqa: E402
from partners.services import partners_bulk_create  # noqa: E402
from titres.services import issuing  # noqa: E402

SIZES = (300, 3_000)
ISSUE_DATE = datetime.date(2026, 1, 20)
from backend_cpu import server_cpu  # noqa: E402
from performance_doc import write_section  # noqa: E402

BEGIN, END = "<!-- bench:titre_issue:begin -->", "<!-- bench:titre_issue:end -->"


def build(n: int, index: int) -> AllocationRun:
    """A consortium of `n` tenants, each paid by a member of its own; its budget run."""
    consortium = Consortium.objects.create(name=f"Banc d'essai {n}", short_name=f"Banc{index}")
    siret = 10_000_000 * (index + 1)
    coordinator = Partner.objects.create(
        consortium=consortium,
        name="Département d'Indre-et-Loire",
        short_name="Indre-et-Loire",
        kind=PartnerKind.DEPARTEMENT,
        siret=f"1{siret:08d}00017",
        address="Place de la Préfecture",
        postal_code="37000",
        city="Tours",
    )
    consortium.coordinator = coordinator
    consortium.save(update_fields=["coordinator"])
    fiscal_year = grids.fiscal_year_create(consortium=consortium, year=2026)
    members = partners_bulk_create(
        Partner(
            consortium=consortium,
            name=f"Communauté de communes n° {i:05d}",
            short_name=f"CC {i:05d}",
            kind=PartnerKind.COMMUNE,
            siret=f"2{siret + i + 1:08d}00019",
            address=f"{i % 90 + 1} avenue de la République",
            postal_code="41000",
            city="Blois",
            billing_email=f"finances{i}@example.org",
        )
        for i in range(n)
    )
    tenants = Tenant.objects.bulk_create(
        Tenant(
            consortium=consortium,
            code=f"t{i:05d}",
            name=f"Tenant {i:05d}",
            opened_on=datetime.date(2020, 1, 1),
        )
        for i in range(n)
    )
    pools = [
        CostPool.objects.create(
            fiscal_year=fiscal_year,
            code=code,
            label=label,
            category=PoolCategory.OPERATION,
            key=key,
            spread_on=SpreadOn.ALL,
            budget_amount=Decimal("100000.00"),
        )
        for code, label, key in (
            ("heb", "Hébergement, infogérance et maintenance", AllocationKey.PER_TENANT),
            ("vol", "Stockage (volumétrie au 1er janvier)", AllocationKey.STORAGE_VOLUME),
        )
    ]
    inputs = {
        "pools": [
            {"code": p.code, "label": p.label, "key": p.key, "amount": "100000.00"} for p in pools
        ],
        "tenants": [
            {
                "code": t.code,
                "name": t.name,
                "payer": m.short_name,
                "months": 12,
                "opened_on": "2020-01-01",
                "volume_mb": 1_000 + i,
                "holdings": [{"partner": m.short_name, "from": "2020-01-01", "to": None}],
                "note": "x" * 80,
            }
            for i, (t, m) in enumerate(zip(tenants, members, strict=True))
        ],
    }
    run = AllocationRun.objects.create(
        fiscal_year=fiscal_year, kind=RunKind.BUDGET, version=1, inputs=inputs, total=0
    )
    amount = Decimal("100000.00") / n
    Share.objects.bulk_create(
        Share(
            run=run,
            pool=pool,
            pool_code=pool.code,
            pool_label=pool.label,
            key=pool.key,
            pool_amount=Decimal("100000.00"),
            tenant=tenant,
            partner=member,
            months=12,
            base=f"12 mois facturables sur {12 * n} mois-tenants",
            base_quantity=12,
            base_total=12 * n,
            weight=Decimal(1) / n,
            amount=round(amount, 2),
        )
        for tenant, member in zip(tenants, members, strict=True)
        for pool in pools
    )
    titres.settings_save(
        consortium=consortium,
        signatory_last_name="Paumier",
        signatory_first_names="Jean-Gérard",
        signatory_role="Président",
        approving_deliberation="délibération du 20 octobre 2023",
        accountant_name="Paierie départementale",
        accountant_address="Place de la Préfecture, 37000 Tours",
        iban="FR7630001007941234567890185",
        bic="BDFEFRPPCCT",
    )
    return run


def _timed(function):
    """(result, wall seconds, CPU seconds of this process and of its PostgreSQL backend)."""
    wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
    result = function()
    cpu = time.process_time() - cpu + server_cpu() - server
    return result, time.perf_counter() - wall, cpu


def measure(n: int, index: int) -> dict:
    run = build(n, index)
    size = len(str(AllocationRun.objects.values_list("inputs", flat=True).get(pk=run.pk)))
    with mock.patch.object(issuing, "queue_batch", lambda batch: None):
        (batch, _notes), drafted, drafted_cpu = _timed(
            lambda: titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
        )
        _batch, issued, issued_cpu = _timed(lambda: titres.batch_issue(batch=batch))
    count = batch.titres.filter(state="issued").count()
    assert count == n, count
    return {
        "n": n,
        "inputs": size,
        "drafted": drafted,
        "drafted_cpu": drafted_cpu,
        "issued": issued,
        "issued_cpu": issued_cpu,
    }


def table(rows: list[dict]) -> str:
    lines = [
        f"Measured {datetime.date.today():%Y-%m-%d} on {connection.vendor} "
        f"({platform.machine()}, {os.cpu_count()} CPUs), `bench/titre_issue.py`.",
        "",
        "Wall time, then CPU time (this process and its PostgreSQL backend: the figure to",
        "compare on a busy machine), per batch and per titre.",
        "",
        "| Titres | Run inputs | drafts_from_run | CPU | per titre | batch_issue | CPU | per titre |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        n = row["n"]
        lines.append(
            f"| {n:,} | {row['inputs'] / 1e6:.2f} MB | {row['drafted']:.2f} s | "
            f"{row['drafted_cpu']:.2f} s | {1000 * row['drafted_cpu'] / n:.1f} ms | "
            f"{row['issued']:.2f} s | {row['issued_cpu']:.2f} s | "
            f"{1000 * row['issued_cpu'] / n:.1f} ms |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if connection.vendor == "postgresql":  # a fresh cluster (scripts/with-postgres) has no base
        with connection._nodb_cursor() as cursor:
            name = connection.settings_dict["NAME"]
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    with contextlib.redirect_stdout(sys.stderr):
        call_command("migrate", verbosity=0)
    rows = [measure(int(n), i) for i, n in enumerate(args.sizes.split(","))]
    text = table(rows)
    print(text)
    if not args.no_write:
        write_section(BEGIN, END, text)


if __name__ == "__main__":
    main()
