"""Benchmark: the annual catalogue titres of 200 and 2,000 members (three subscriptions each:
a flat, a unit and a volume service), drafted by `catalogue_billing` then issued by billing's
`batch_issue`, as the pages do; the job that renders and e-mails is not queued.

Run with `scripts/with-postgres .venv/bin/python bench/catalogue_billing.py` (PostgreSQL when
`DATABASE_URL` is set, else a throwaway SQLite file; `--sizes 200` for a quick run). Prints CPU
seconds (this process + its PostgreSQL backend) and queries. Not a test: the tests assert the
query counts.
"""

import argparse
import datetime
import os
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

from backend_cpu import server_cpu  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from billing.services import titres  # noqa: E402
from catalogue.models import CommissioningReport, ServiceKind, Subscription  # noqa: E402
from catalogue.services import catalogue as services  # noqa: E402
from catalogue.services.billing import catalogue_billing  # noqa: E402
from partners.generate import siret  # noqa: E402
from partners.models import BillingMode, Consortium, Partner, PartnerKind  # noqa: E402

SIZES = (200, 2_000)
ISSUE_DATE = datetime.date(2026, 2, 16)
SETTINGS = {
    "signatory_last_name": "Président",
    "signatory_first_names": "Le",
    "signatory_role": "Président",
    "approving_deliberation": "délibération du 1er décembre 2024",
    "accountant_name": "Service de gestion comptable",
    "accountant_address": "14100 Lisieux",
    "iban": "FR7630001007941234567890185",
    "bic": "BDFEFRPPCCT",
}


def build(n: int, index: int) -> Consortium:
    consortium = Consortium.objects.create(
        name=f"Banc catalogue {index}", short_name=f"B{index}", billing_mode=BillingMode.CATALOGUE
    )
    partners = Partner.objects.bulk_create(
        Partner(consortium=consortium, name=f"Commune {i:05d}", short_name=f"C{i:05d}",
                kind=PartnerKind.COMMUNE, siret=siret(index * 100_000 + i), address="Mairie",
                postal_code="14000", city="Caen", representative_name="M. le Maire",
                representative_title="Maire")
        for i in range(n + 1)
    )  # fmt: skip
    consortium.coordinator = partners[0]
    consortium.save(update_fields=["coordinator"])
    titres.settings_save(consortium=consortium, **SETTINGS)
    catalogue = services.catalogue_create(consortium=consortium, year=2025)
    rows = []
    for code, kind, price in (("GED", ServiceKind.FLAT, "1200"), ("CERT", ServiceKind.UNIT,
                              "12.50"), ("STOCK", ServiceKind.VOLUME, "80")):  # fmt: skip
        service = services.service_create(
            consortium=consortium, code=code, label=code, unit="u", kind=kind
        )
        services.price_set(catalogue=catalogue, service=service, price=Decimal(price))
        rows.append((service, Decimal({"GED": 1, "CERT": 40, "STOCK": "1.5"}[code])))
    services.catalogue_vote(catalogue=catalogue, voted_on=datetime.date(2025, 2, 1), decision="D")
    reports = CommissioningReport.objects.bulk_create(
        CommissioningReport(consortium=consortium, partner=p, signed_on=datetime.date(2025, 3, 15),
                            signatories="M. le Maire")
        for p in partners[1:]
    )  # fmt: skip
    Subscription.objects.bulk_create(
        Subscription(consortium=consortium, partner_id=r.partner_id, service=s, report=r,
                     quantity=q, starts_on=datetime.date(2025, 4, 1))
        for r in reports for s, q in rows
    )  # fmt: skip
    return consortium


def measure(step):
    cpu, server = time.process_time(), server_cpu()
    with CaptureQueriesContext(connection) as queries:
        result = step()
    return result, time.process_time() - cpu + server_cpu() - server, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    sizes = parser.parse_args().sizes
    if connection.vendor == "postgresql":  # a fresh cluster (scripts/with-postgres) has no base
        with connection._nodb_cursor() as cursor:
            name = connection.settings_dict["NAME"]
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    call_command("migrate", verbosity=0)
    print(f"Catalogue billing on {connection.vendor}: CPU s (process + backend), queries")
    print("| members | draft CPU | draft queries | issue CPU | issue queries |")
    print("|---:|---:|---:|---:|---:|")
    for index, n in enumerate(sizes, start=1):
        consortium = build(n, index)
        (batch, _notes), draft_cpu, draft_q = measure(
            lambda c=consortium: catalogue_billing(consortium=c, issue_date=ISSUE_DATE)
        )
        below = batch.titres.filter(below_threshold=True)
        assert not below.exists()
        with mock.patch("titres.services.issuing.queue_batch"):
            _batch, issue_cpu, issue_q = measure(lambda b=batch: titres.batch_issue(batch=b))
        print(f"| {n:,} | {draft_cpu:.2f} | {draft_q} | {issue_cpu:.2f} | {issue_q} |")


if __name__ == "__main__":
    main()
