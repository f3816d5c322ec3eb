"""The true-up page at scale (issue 17): its totals summed in SQL equal to the cent those of every
line (`billing.recap.true_up`), its debtors a page at a time (their lines and plans those of the
full computation), and as many queries with 10× more debtors."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import recap, run_groups, selectors, titre_plan, trueup_totals
from billing.models import RunKind
from billing.services import runs
from partners import services as partner_services
from partners.models import Holding
from tests.billing_fixtures import record_actuals
from tests.test_pages_scale import _tenants_of_a
from tests.titre_fixtures import add_paying_partners
from titres.money import ZERO


def _runs(billing_year, *, change_payer=None):
    """A budget run, the actuals, an actual run; `change_payer` (a holding) becomes the payer
    between the two: its tenant's line then changes debtor."""
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    record_actuals(billing_year)
    if change_payer is not None:
        partner_services.holding_make_payer(holding=change_payer)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    fiscal_year = billing_year.fiscal_year
    return selectors.billed_run(fiscal_year), selectors.latest_run(fiscal_year, RunKind.ACTUAL)


def _plan_figures(plans):
    return sorted(
        (p.partner.pk, p.recipient, p.charges_total, p.reductions_total, p.carried, p.net)
        for p in plans
    )


def test_totals_and_every_page_equal_the_full_computation_to_the_cent(world, billing_year):
    add_paying_partners(world, 5)
    co_holder = Holding.objects.get(tenant=world.tenant_shared, partner=world.partner_a)
    billed, actual = _runs(billing_year, change_payer=co_holder)
    lines = recap.true_up(billed, actual)
    differing = [line for line in lines if line.direction != "none"]
    full = run_groups.true_up_by_debtor(differing)
    coordinator = [line for line in differing if line.borne_by_coordinator]

    totals = trueup_totals.totals(billed, actual)
    assert (totals.billed, totals.actual, totals.difference) == (
        full.billed,
        full.actual,
        full.difference,
    )
    assert totals.debtors == len(full.groups) > 3
    assert totals.unchanged == len(lines) - len(differing)
    assert totals.coordinator_net == sum((line.difference for line in coordinator), ZERO)
    assert totals.has_coordinator == bool(coordinator)

    groups, plans = [], []
    for number in range(1, totals.debtors + 1):  # one debtor a page: every page boundary
        page = trueup_totals.debtors_page(billed, actual, totals.debtors, number, per_page=1)
        assert len(page.object_list) == 1
        page_lines = titre_plan.trueup_lines(billed, actual, page.object_list)
        groups += run_groups.true_up_by_debtor(
            [line for line in page_lines if line.direction != "none"]
        ).groups
        plans += titre_plan.trueup_plans(billed, actual, net=False, debtor_ids=page.object_list)
    assert [(g.partner, g.billed, g.actual, g.difference, len(g.lines)) for g in groups] == [
        (g.partner, g.billed, g.actual, g.difference, len(g.lines)) for g in full.groups
    ]
    assert _plan_figures(plans) == _plan_figures(titre_plan.trueup_plans(billed, actual, net=False))


def _queries(client, url: str) -> tuple[list[str], object]:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The session's refresh (accounts/session_lifetime.py) comes when its clock says: not the page's.
    page = [q["sql"] for q in queries.captured_queries if "django_session" not in q["sql"]]
    return [sql[:100] for sql in page if not sql.startswith(("SAVEPOINT", "RELEASE"))], response


@pytest.mark.parametrize("page", ["1", "2"])
def test_the_page_reads_the_same_queries_with_ten_times_the_debtors(
    world, billing_year, client_for, page
):
    client = client_for("finance")
    url = reverse("billing:trueup", args=[2026]) + f"?page={page}"
    add_paying_partners(world, 20)
    _runs(billing_year)
    client.get(url)
    base, response = _queries(client, url)
    assert response.context["debtors_page"].number == int(page)
    assert len(response.context["groups"]) == (20 if page == "1" else 3)

    add_paying_partners(world, 200, first=20)
    _tenants_of_a(world, 30, 0)
    _runs(billing_year)
    grown, response = _queries(client, url)
    assert response.context["totals"].debtors > 200
    assert len(response.context["groups"]) == trueup_totals.DEBTORS_PER_PAGE
    assert len(grown) == len(base), (base, grown)
