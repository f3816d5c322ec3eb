"""A run read by debtor: subtotals that add up to the run, the coordinator's rows marked."""

from decimal import Decimal

from django.urls import reverse

from billing import run_groups
from billing.models import RunKind
from billing.services import runs


def test_the_run_page_groups_the_shares_by_debtor_with_subtotals(world, billing_year, client_for):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    page = client_for("finance").get(run.get_absolute_url())
    groups = page.context["by_debtor"].groups
    assert [g.partner.name for g in groups] == sorted(g.partner.name for g in groups)
    assert sum((g.subtotal for g in groups), Decimal(0)) == run.total
    for group in groups:
        assert group.subtotal == sum(s.amount for s in run.shares.filter(partner=group.partner))
        assert group.count == len(group.shares)
    coordinator = [g for g in groups if g.borne_by_coordinator]
    assert [g.partner for g in coordinator] == [world.consortium.coordinator]
    text = page.text
    assert "à la charge du coordonnateur" in text
    assert "titre de réduction" not in text
    assert 'data-field="total"' in text


def test_reading_a_page_of_debtors_takes_three_queries_whatever_the_run(
    world, billing_year, django_assert_num_queries
):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    for per_page in (1, 50):
        with django_assert_num_queries(3):  # count, the page's debtors, their shares
            result = run_groups.run_by_debtor(run, 1, per_page=per_page)
        assert len(result.groups) == min(per_page, result.debtors)


def test_debtor_pages_go_on_past_the_first(world, billing_year):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    first = run_groups.run_by_debtor(run, 1, per_page=1)
    second = run_groups.run_by_debtor(run, 2, per_page=1)
    assert first.groups[0].partner != second.groups[0].partner
    assert first.page.has_next()


def test_the_export_stays_one_row_per_share(world, billing_year, client_for):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    export = client_for("finance").get(run.get_absolute_url(), {"_export": "csv"})
    lines = [line for line in export.content.decode("utf-8-sig").splitlines() if line]
    assert len(lines) == run.shares.count() + 1


def test_the_true_up_groups_differences_by_debtor(world, billing_year, client_for):
    from tests.billing_fixtures import record_actuals

    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    record_actuals(billing_year)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    page = client_for("finance").get(reverse("billing:trueup", args=[2026]))
    groups, totals = page.context["groups"], page.context["totals"]
    lines = [line for group in groups for line in group.lines]
    assert lines
    for group in groups:
        assert group.difference == sum(line.difference for line in group.lines)
        assert {line.partner for line in group.lines} == {group.partner}
    assert totals.debtors == len(groups)  # the fixture's debtors fit on one page
    assert totals.difference == sum(g.difference for g in groups)
    coordinator = [g for g in groups if g.borne_by_coordinator]
    assert coordinator, "the fixture's coordinator holds a tenant"
    row = page.text.split(f'id="trueup-debtor-{coordinator[0].partner.pk}"')[1].split("</tr>\n")[0]
    assert "à la charge du coordonnateur" in row
    assert "titre de réduction" not in row and "titre complémentaire" not in row
