"""The recap at scale (issue 17): a summary summed in SQL, equal to the cent to the full
computation (`billing.recap.recap_for`); the distribution 50 rows a page, filtered, its totals
exact whatever the page; both read as many queries with 10× more rows; a partner user sees its
own lines only; a large year's XLSX is built by the task and opened here, its PDF is the summary."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from billing import recap, recap_export, recap_totals
from billing.models import RecapExport, RunKind
from billing.services import runs
from billing.tasks import build_recap_export
from tests.test_pages_scale import _tenants_of_a
from tests.titre_fixtures import add_paying_partners
from titres.money import ZERO


def _queries(client, url: str, params: dict | None = None):
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries), response


def _new_runs(billing_year):
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)


def _grow(world, billing_year) -> None:
    """Ten times the rows: 40 paying members with a tenant each, 27 more tenants for A."""
    add_paying_partners(world, 40)
    _tenants_of_a(world, 27, 0)
    _new_runs(billing_year)


def _expected(fiscal_year, user):
    full = recap.recap_for(fiscal_year, user)
    return full, recap.totals_by_pool(full.lines)


@pytest.mark.parametrize("role", ["finance", "partner_a", "partner_b"])
def test_the_summary_and_every_row_equal_the_full_computation_to_the_cent(
    world, two_runs, billing_year, users, role
):
    add_paying_partners(world, 3)
    _new_runs(billing_year)
    user = users[role]
    fiscal_year = billing_year.fiscal_year
    full, by_pool = _expected(fiscal_year, user)
    runs_ = recap_totals.runs_for(fiscal_year, user)
    summary = recap_totals.summary(runs_)

    assert {p.code: (p.billed, p.actual) for p in summary.by_pool} == {
        code: (t["billed"], t["actual"]) for code, t in by_pool.items()
    }
    assert (summary.total.billed, summary.total.actual) == (full.budget_total, full.actual_total)
    assert summary.total.difference == full.difference_total
    assert sum((k.billed for k in summary.by_key), ZERO) == full.budget_total
    assert sum((k.actual for k in summary.by_key), ZERO) == full.actual_total
    assert [p.pool.code for p in summary.pools] == [p.pool.code for p in full.pools]
    assert summary.coordinator.billed == sum(
        (r.budget for r in full.rows if r.borne_by_coordinator), ZERO
    )
    assert summary.rows == len(full.rows) and summary.partners == len(full.partners)

    rows = recap_totals.distribution(runs_, per_page=10_000)
    assert [(r.code, r.payer, r.billed, r.actual) for r in rows.rows] == [
        (r.code, r.payer, r.budget, r.actual) for r in full.rows
    ]
    assert (rows.total.billed, rows.total.actual) == (full.budget_total, full.actual_total)
    partners = recap_totals.distribution(runs_, view="partner", per_page=10_000)
    assert [(r.code, r.billed, r.actual) for r in partners.rows] == [
        (r.code, r.budget, r.actual) for r in full.partners
    ]


def test_summary_and_distribution_read_the_same_queries_with_ten_times_the_rows(
    world, two_runs, billing_year, users
):
    summary = reverse("billing:recap", args=[2026])
    rows = reverse("billing:recap_rows", args=[2026])
    pages = [
        ("finance", summary, None),
        ("finance", rows, None),
        ("finance", rows, {"vue": "partner"}),
        ("finance", rows, {"q": "blo", "poste": "heb", "page": "2"}),
        ("partner_a", summary, None),
        ("partner_a", rows, None),
    ]
    clients = {role: Client() for role in ("finance", "partner_a")}
    for role, client in clients.items():
        client.force_login(users[role])
    before = [_queries(clients[role], url, params)[0] for role, url, params in pages]
    _grow(world, billing_year)
    after = []
    for role, url, params in pages:
        count, response = _queries(clients[role], url, params)
        after.append(count)
        if url == rows and role == "finance" and params is None:
            assert len(response.context["distribution"].rows) == 50
            assert "Page 1 sur 3" in response.text
        if url == rows and params == {"vue": "partner"}:
            shown = response.context["distribution"].rows
            assert response.text.count("<svg") == len(shown) == 43  # one per paying partner
    assert after == before
    page = clients["finance"].get(summary).text
    assert page.count("<svg") == 1  # one chart: the totals by pool


def test_the_total_is_every_filtered_row_whatever_the_page(world, two_runs, billing_year, users):
    _grow(world, billing_year)
    runs_ = recap_totals.runs_for(billing_year.fiscal_year, users["finance"])
    everything = recap_totals.distribution(runs_, per_page=10_000)
    first = recap_totals.distribution(runs_, page_number=1)
    last = recap_totals.distribution(runs_, page_number=3)
    assert len(everything.rows) == 115  # 4 tenants, 3 members, 40 + 40 + 1 + 27 more
    assert len(first.rows) == 50 and len(last.rows) == 15
    assert first.total == last.total == everything.total
    assert sum((r.billed for r in everything.rows), ZERO) == everything.total.billed
    partners = recap_totals.distribution(runs_, view="partner", page_number=2, per_page=10)
    assert [c["code"] for c in partners.charts] == [r.code for r in partners.rows]  # page's only
    assert len(partners.charts) == 10
    searched = recap_totals.distribution(runs_, search="Test 1", pool="heb", per_page=10_000)
    assert {r.code for r in searched.rows} == {f"test{n}" for n in range(10, 20)}
    shares = runs_.budget.shares.filter(pool_code="heb", partner__short_name__contains="Test 1")
    assert searched.total.billed == sum((s.amount for s in shares), ZERO)


def test_a_partner_sees_its_own_lines_and_another_partners_is_a_404(world, two_runs, client_for):
    client = client_for("partner_a")
    url = reverse("billing:recap_rows", args=[2026])
    page = client.get(url).text
    assert "blois —" in page and "blaisois —" in page  # its own, and the tenant it co-holds
    assert "agglo —" not in page and "cd37 —" not in page
    assert client.get(url, {"partenaire": world.partner_b.pk}).status_code == 404
    assert client.get(url, {"partenaire": "x"}).status_code == 404
    assert client.get(url, {"partenaire": world.partner_a.pk}).status_code == 200
    by_b = client_for("finance").get(url, {"partenaire": world.partner_b.pk}).text
    assert "agglo —" in by_b and "blois —" not in by_b


def test_a_bad_filter_says_so_in_french_and_filters_nothing(world, two_runs, client_for):
    url = reverse("billing:recap_rows", args=[2026])
    response = client_for("finance").get(url, {"q": "x" * 101, "poste": "nope"})
    assert response.status_code == 200
    assert "au plus 100 caractères" in response.text
    assert "Sélectionnez un choix valide" in response.text
    assert "agglo —" in response.text and "blois —" in response.text  # unfiltered


def _sheet_totals(workbook) -> tuple:
    tenants = list(workbook["Par tenant"].iter_rows(min_row=4, values_only=True))
    return tenants[-1][4:7], tenants[:-1]


def test_a_large_years_xlsx_is_built_by_the_task_and_its_totals_are_exact(
    world, two_runs, billing_year, users, client_for, settings, django_capture_on_commit_callbacks
):
    settings.LIGERIS_RECAP_LARGE_ROWS = 10
    client = client_for("finance")
    xlsx = reverse("billing:recap_xlsx", args=[2026])
    page = reverse("billing:recap_export", args=[2026])
    progress = reverse("billing:recap_export_progress", args=[2026])
    assert client.get(xlsx)["Location"] == page
    assert client.get(progress).json() == {"percent": 0, "done": False, "asked": False}
    assert "Préparer le classeur" in client.get(page).text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(page)  # eager here: the task runs on commit
    export = RecapExport.objects.get()
    assert export.done_at is not None and export.partner is None
    assert client.get(progress).json()["done"] is True
    assert build_recap_export(export.pk) is False  # run again: nothing done
    response = client.get(xlsx)
    assert response.content == bytes(RecapExport.objects.get().xlsx)
    assert recap_export.sha256(response.content) == export.sha256
    workbook = load_workbook(io.BytesIO(response.content))
    (billed, actual, difference), body = _sheet_totals(workbook)
    full = recap.recap_for(billing_year.fiscal_year, users["finance"])
    assert (billed, actual) == (float(full.budget_total), float(full.actual_total))
    assert round(sum(row[4] for row in body), 2) == round(billed, 2)
    assert len(body) == len(full.rows)
    detail = list(workbook["Détail"].iter_rows(min_row=4, values_only=True))
    assert len(detail) == len(full.lines)
    assert round(sum(row[7] or 0 for row in detail), 2) == round(difference, 2)

    # A partner user gets a workbook of its own, never the staff's.
    partner = client_for("partner_b")
    with django_capture_on_commit_callbacks(execute=True):
        partner.post(page)
    own = RecapExport.objects.get(partner=world.partner_b)
    codes = {
        row[1]
        for row in load_workbook(io.BytesIO(bytes(own.xlsx)))["Par tenant"].iter_rows(
            min_row=4, values_only=True
        )
    }
    assert codes == {"agglo", "blaisois", "Agglopolys", None}


def test_the_xlsx_of_a_small_year_is_the_same_as_the_tasks(world, two_runs, billing_year, users):
    runs_ = recap_totals.runs_for(billing_year.fiscal_year, users["finance"])
    assert not recap_export.is_large(runs_)
    ours = load_workbook(io.BytesIO(recap_export.build_xlsx(runs_)))
    from billing.exports import recap_xlsx

    theirs = load_workbook(
        io.BytesIO(recap_xlsx(recap.recap_for(billing_year.fiscal_year, users["finance"])))
    )
    for name in theirs.sheetnames:
        assert list(ours[name].values) == list(theirs[name].values), name


def test_a_large_years_pdf_is_its_summary(world, two_runs, client_for, settings):
    settings.LIGERIS_RECAP_LARGE_ROWS = 10
    response = client_for("finance").get(reverse("billing:recap_pdf", args=[2026]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Répartition par clé" in text
    assert "33\u202f000,00\xa0€" in text and "34\u202f100,00\xa0€" in text
    assert "agglo —" not in text and "blois —" not in text  # no row per tenant
