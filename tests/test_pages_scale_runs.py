"""A run's page and the partners list at scale (issue 17, bill17): as many queries with 10× the
debtors or partners, the run read without its inputs, and the debtors' pages giving what the
shares grouped by the database give."""

import re
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import run_groups
from billing.models import AllocationKey, RunKind
from billing.services import runs
from tests.titre_fixtures import add_paying_partners

#: The run's whole snapshot selected as a column (its pools alone are `inputs -> 'pools'`).
WHOLE_INPUTS = re.compile(r'"billing_allocationrun"\."inputs"(, "| FROM)')


def _queries(client, url: str, params: dict | None = None) -> tuple[list[str], str]:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return [query["sql"] for query in queries], response.text


def test_a_run_reads_the_same_queries_with_ten_times_its_debtors(world, billing_year, client_for):
    client = client_for("finance")
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    before, page = _queries(client, run.get_absolute_url())
    assert not [sql for sql in before if WHOLE_INPUTS.search(sql)]
    # The pools' table comes from the snapshot's pools, as it did from the whole inputs.
    keys = dict(AllocationKey.choices)
    for pool in run.inputs["pools"]:
        assert f"{pool['code']} — {pool['label']}" in page
        assert str(keys.get(pool["key"], pool["key"])) in page
    add_paying_partners(world, 40)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    debtors = run.shares.values("partner").distinct().count()
    assert debtors > run_groups.DEBTORS_PER_PAGE
    after, page = _queries(client, run.get_absolute_url())
    assert len(after) == len(before)
    assert f"Par débiteur ({debtors} débiteurs)" in page
    assert page.count('<tr id="debtor-') == run_groups.DEBTORS_PER_PAGE
    _, last = _queries(client, run.get_absolute_url(), {"page": 3})
    assert last.count('<tr id="debtor-') == debtors - 2 * run_groups.DEBTORS_PER_PAGE


def test_every_page_of_debtors_gives_what_the_database_groups(world, billing_year):
    add_paying_partners(world, 7)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    expected = list(
        run.shares.values("partner_id")
        .annotate(
            count=Count("pk"),
            subtotal=Sum("amount"),
            coordinator=Count("pk", filter=Q(borne_by_coordinator=True)),
        )
        .order_by("partner__name", "partner_id")
    )
    got, number = [], 1
    while True:
        result = run_groups.run_by_debtor(run, number, per_page=3)
        assert result.debtors == len(expected) and result.total == run.total
        got += [
            {
                "partner_id": group.partner.pk,
                "count": group.count,
                "subtotal": group.subtotal,
                "coordinator": bool(group.borne_by_coordinator),
                "shares": [share.pk for share in group.shares],
            }
            for group in result.groups
        ]
        if not result.page.has_next():
            break
        number += 1
    assert [row["partner_id"] for row in got] == [row["partner_id"] for row in expected]
    for mine, theirs in zip(got, expected, strict=True):
        shares = run.shares.filter(partner_id=theirs["partner_id"])
        assert mine["count"] == theirs["count"] == len(mine["shares"])
        assert mine["subtotal"] == theirs["subtotal"]
        assert mine["coordinator"] == bool(theirs["coordinator"])
        assert mine["shares"] == list(
            shares.order_by("tenant__code", "pool_code", "pk").values_list("pk", flat=True)
        )
    assert sum((row["subtotal"] for row in got), Decimal(0)) == run.total
    assert any(row["coordinator"] for row in got)


def test_the_partners_list_reads_the_same_queries_with_ten_times_the_partners(world, client_for):
    client = client_for("finance")
    url = reverse("partners:partner_list")
    before, _ = _queries(client, url)
    add_paying_partners(world, 40)
    after, page = _queries(client, url)
    assert len(after) == len(before)
    assert page.count("Commune de Test") == 24  # a page of 25: one of the world's sorts first
