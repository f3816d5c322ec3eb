"""Rough edges of the billing pages: what finance staff read should not be code or jargon."""

from django.urls import reverse

from billing.models import RunKind
from billing.services import runs
from tests.billing_fixtures import record_actuals
from tests.exports import read_csv

ACTUAL_BAR = 'fill="#7d97c7"'


def test_run_detail_names_the_keys_in_french(billing_year, client_for):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    page = client_for("finance").get(run.get_absolute_url()).text
    assert "<td>Par tenant</td>" in page
    assert "<td>Volumétrie au 1er janvier</td>" in page
    assert "<td>per_tenant</td>" not in page
    assert "<td>volume</td>" not in page


def test_pool_amounts_count_expenses_in_good_french(billing_year, client_for):
    record_actuals(billing_year)
    page = client_for("finance").get(reverse("billing:year_detail", args=[2026])).text
    assert "1 dépense<" in page
    assert "dépense(s)" not in page


def test_volumes_are_grouped_on_screen_and_plain_in_exports(world, billing_year, client_for):
    client = client_for("finance")
    page = client.get(reverse("billing:volume_list")).text
    assert "1\u00a0250,000" in page
    assert "8\u00a0000,000" in page
    assert "1250,000" not in page
    export = client.get(reverse("billing:volume_list"), {"_export": "csv"})
    values = [row[2] for row in read_csv(export)[1:]]
    assert "1250,000" in values


def test_the_recap_chart_shows_no_actual_bar_before_an_actual_run(billing_year, client_for):
    client = client_for("finance")
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    page = client.get(reverse("billing:recap", args=[2026])).text
    assert "<figure" in page
    assert ACTUAL_BAR not in page
    record_actuals(billing_year)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    page = client.get(reverse("billing:recap", args=[2026])).text
    assert ACTUAL_BAR in page


def test_export_links_are_spaced(billing_year, client_for):
    page = client_for("finance").get(reverse("billing:volume_list")).text
    assert "CSV</a> · <a" in page
