"""List and detail pages read as many queries with 10× more rows (issue 17): the home page's
counts, the tenants list and its holder search, a partner's shares, the titres list and the
overdue page. Each test measures a page, adds ten times the rows through the services, and
measures it again."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import RunKind, StorageVolume
from billing.services import runs, titres
from partners import services as partner_services
from tests.billing_fixtures import JAN_1
from tests.titre_fixtures import ISSUE_DATE, add_paying_partners, settings_for, specific_run


def _queries(client, url: str, params: dict | None = None) -> tuple[int, str]:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries), response.text


def _tenants_of_a(world, count: int, first: int) -> None:
    for index in range(first, first + count):
        tenant = partner_services.tenant_create(
            consortium=world.consortium,
            code=f"plus{index:03d}",
            name=f"Tenant de Blois {index}",
            opened_on=datetime.date(2024, 1, 1),
            payer=world.partner_a,
        )
        StorageVolume.objects.create(tenant=tenant, measured_on=JAN_1, gigabytes=Decimal(10))


def test_home_and_tenants_list_read_the_same_queries_with_ten_times_the_partners(world, client_for):
    client = client_for("finance")
    home = reverse("home")
    tenants = reverse("partners:tenant_list")
    before = [_queries(client, home)[0], _queries(client, tenants, {"holder": "Blois"})[0]]
    add_paying_partners(world, 40)
    after_home, page = _queries(client, home)
    after_list, listed = _queries(client, tenants, {"holder": "Test 3"})
    assert [after_home, after_list] == before
    assert '<p class="figure">43</p>' in page  # 3 partners + 40 (the coordinator is one)
    assert "test30" in listed and "test29" not in listed and "blois" not in listed
    assert listed.count("<option") < 20  # no select of every partner


def test_a_partners_shares_read_the_same_queries_with_ten_times_its_tenants(
    world, billing_year, client_for
):
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    client = client_for("partner_a")
    url = reverse("billing:my_shares")
    before, _ = _queries(client, url)
    _tenants_of_a(world, 27, 0)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    after, page = _queries(client, url)
    assert after == before
    assert "plus026" in page or "Page" in page


def test_titres_and_overdue_read_the_same_queries_with_ten_times_the_late_titres(
    world, billing_year, client_for
):
    settings_for(world)
    client = client_for("finance")
    first = add_paying_partners(world, 2)
    batch, _ = titres.drafts_from_run(
        run=specific_run(billing_year, dict.fromkeys(first, "120.00")), issue_date=ISSUE_DATE
    )
    titres.batch_issue(batch=batch)
    urls = (reverse("billing:titre_list"), reverse("billing:overdue"))
    before = [_queries(client, url)[0] for url in urls]
    more = add_paying_partners(world, 20, first=2)
    batch, _ = titres.drafts_from_run(
        run=specific_run(billing_year, dict.fromkeys(more, "80.00")), issue_date=ISSUE_DATE
    )
    titres.batch_issue(batch=batch)
    after = [_queries(client, url) for url in urls]
    assert [count for count, _ in after] == before
    assert "22 partenaires ont un titre impayé" in after[0][1]
    assert after[1][1].count("Proposer l'exclusion") == 22
