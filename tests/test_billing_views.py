"""The billing pages: finance staff set up and run the year; partners see their own lines."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from billing.models import AllocationRun, CostPool, RunKind, StorageVolume, TariffLine
from billing.services import runs
from tests.billing_fixtures import record_actuals


def upload(client, name: str, content: bytes):
    return client.post(
        reverse("billing:volume_import"), {"file": SimpleUploadedFile(name, content)}
    )


def test_import_preview_lists_errors_then_a_valid_file_is_confirmed(world, client_for):
    client = client_for("finance")
    response = upload(
        client, "v.csv", b"tenant;date;volume\nblois;01/01/2026;-2\nparis;01/01/2026;3\n"
    )
    assert response.status_code == 422
    assert "volume négatif (-2)" in response.text
    assert "tenant « paris » inconnu" in response.text
    assert "rien n'a été enregistré" in response.text
    assert not StorageVolume.objects.exists()

    response = upload(client, "v.csv", b"tenant;date;volume\nblois;01/01/2026;1,25 To\n")
    assert response.status_code == 200
    assert "Confirmer l'import" in response.text
    assert not StorageVolume.objects.exists()
    pk = response.context["volume_import"].pk
    response = client.post(reverse("billing:volume_import_apply", args=[pk]))
    assert response.status_code == 302
    assert StorageVolume.objects.get().gigabytes == Decimal("1250.000")


def test_setting_up_a_year_through_the_forms(world, client_for):
    client = client_for("finance")
    response = client.post(reverse("billing:year_create"), {"year": 2027})
    assert response.status_code == 302
    response = client.post(reverse("billing:year_create"), {"year": 2027})
    assert "L&#x27;exercice 2027 existe déjà." in response.text
    response = client.post(
        reverse("billing:tariff_line_create", args=[2027]),
        {"code": "tj", "label": "Taux journalier", "kind": "day_rate", "amount": "450", "unit": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("billing:pool_create", args=[2027]),
        {
            "code": "mig",
            "label": "Reprise",
            "category": "setup",
            "key": "direct",
            "budget_amount": "100",
            "spread_on": "all",
        },
    )
    assert response.status_code == 200  # a direct pool needs its target
    assert "imputation directe" in response.text
    assert not CostPool.objects.exists()
    response = client.post(
        reverse("billing:grid_copy", args=[2027]), {"rate": "2", "line_tj": "10"}
    )
    assert response.status_code == 302
    assert TariffLine.objects.get(grid__fiscal_year__year=2028).amount == Decimal("495.00")


def test_run_from_the_year_page_and_explanations(world, billing_year, client_for):
    client = client_for("finance")
    response = client.post(reverse("billing:run_create", args=[2026]), {"kind": "budget"})
    run = AllocationRun.objects.get()
    assert response["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url())
    assert "Hébergement et maintenance" in page.text
    share = run.shares.get(pool_code="vol", tenant=world.tenant_a)
    page = client.get(reverse("billing:share_detail", args=[share.pk]))
    assert "1,25\u00a0To sur 14,30\u00a0To" in page.text
    assert "874,13" in page.text
    coordinator = run.shares.filter(tenant=world.tenant_coordinator).first()
    page = client.get(reverse("billing:share_detail", args=[coordinator.pk]))
    assert "à la charge du coordonnateur" in page.text
    export = client.get(run.get_absolute_url(), {"_export": "csv"})
    assert export.status_code == 200
    assert "1,25" in export.content.decode()


def test_a_failed_run_says_why_in_french(world, billing_year, client_for):
    StorageVolume.objects.filter(tenant=world.tenant_b).delete()
    client = client_for("finance")
    response = client.post(
        reverse("billing:run_create", args=[2026]), {"kind": "budget"}, follow=True
    )
    assert "Volumétrie au 01/01/2026 manquante pour : agglo" in response.text
    assert not AllocationRun.objects.exists()


def test_partner_sees_only_its_own_shares_and_recap_lines(world, two_runs, client_for):
    client = client_for("partner_a")
    page = client.get(reverse("billing:my_shares"))
    codes = {share.tenant.code for share in page.context["table"].data if share.tenant}
    # Its tenants (blois, tours) and the one it co-holds (blaisois, paid by B).
    assert codes == {"blois", "tours", "blaisois"}
    own = client.get(reverse("billing:recap", args=[2026])).context["distribution"]
    assert {row.code for row in own.rows} == {"blois", "tours", "blaisois", "Blois"}
    rows = reverse("billing:recap_rows", args=[2026])
    partners = client.get(rows, {"vue": "partner"}).context["distribution"]
    assert {row.code for row in partners.rows} == {"Blois"}
    page = client.get(reverse("billing:recap", args=[2026]))
    assert "agglo —" not in page.text
    assert "cd37" not in page.text
    other = two_runs[0].shares.get(pool_code="heb", tenant=world.tenant_b)
    assert client.get(reverse("billing:share_detail", args=[other.pk])).status_code == 404


def test_true_up_page(world, two_runs, client_for):
    page = client_for("finance").get(reverse("billing:trueup", args=[2026]))
    assert "titre complémentaire" in page.text
    assert "titre de réduction" in page.text
    assert "221,05" in page.text


def test_recap_xlsx_totals_match_and_cells_are_safe(world, two_runs, client_for):
    CostPool.objects.filter(code="heb").update(label='=HYPERLINK("http://x")')
    response = client_for("finance").get(reverse("billing:recap_xlsx", args=[2026]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Postes", "Dépenses", "Par tenant", "Par partenaire", "Détail"]
    expenses = list(workbook["Dépenses"].iter_rows(min_row=4, values_only=True))
    assert expenses[-1][-1] == pytest.approx(22100.00)  # invoices; staff time is on "Postes"
    pools = workbook["Postes"]
    labels = [row[1] for row in pools.iter_rows(min_row=4, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in labels
    tenants = list(workbook["Par tenant"].iter_rows(min_row=4, values_only=True))
    body, total = tenants[:-1], tenants[-1]
    assert total[0] == "Total"
    assert total[4] == pytest.approx(33000.00)
    assert total[5] == pytest.approx(34100.00)
    assert round(sum(row[4] for row in body), 2) == round(total[4], 2)
    assert round(sum(row[6] for row in body), 2) == round(total[6], 2) == 1100.00
    coordinator = next(row for row in body if row[1] == "cd37")
    assert coordinator[3] == "à la charge du coordonnateur"
    partners = list(workbook["Par partenaire"].iter_rows(min_row=4, values_only=True))
    assert round(sum(row[4] for row in partners[:-1]), 2) == 34100.00
    assert workbook["Par tenant"]["E4"].number_format.startswith("#,##0.00")


def test_recap_pdf(world, two_runs, client_for):
    response = client_for("finance").get(reverse("billing:recap_pdf", args=[2026]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Tableau récapitulatif 2026" in text
    assert "Total 33\u202f000,00\xa0€ 34\u202f100,00\xa0€ 1\u202f100,00\xa0€" in text


def test_partner_recap_xlsx_has_only_its_lines(world, two_runs, client_for):
    response = client_for("partner_b").get(reverse("billing:recap_xlsx", args=[2026]))
    workbook = load_workbook(io.BytesIO(response.content))
    codes = {row[1] for row in workbook["Par tenant"].iter_rows(min_row=4, values_only=True)}
    assert codes == {"agglo", "blaisois", "Agglopolys", None}
    detail = {row[2] for row in workbook["Détail"].iter_rows(min_row=4, values_only=True)}
    assert "blois" not in detail
    assert "cd37" not in detail
    assert datetime.date  # the module's imports stay used


def test_recap_in_english_on_choice(world, two_runs, client_for):
    client = client_for("finance")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(reverse("billing:recap", args=[2026]))
    assert "Annual recap 2026" in page.text
    assert "borne by the coordinator" in page.text
    share = two_runs[0].shares.get(pool_code="heb", tenant=world.tenant_a)
    page = client.get(reverse("billing:share_detail", args=[share.pk]))
    assert "Explanation of a share" in page.text
    assert "12 billable months of 57 tenant-months" in page.text
    assert share.base == "12 mois facturables sur 57 mois-tenants"  # the French snapshot


def test_an_oversized_upload_is_refused_before_reading(world, client_for, monkeypatch):
    monkeypatch.setattr("billing.forms.MAX_BYTES", 10)
    response = upload(client_for("finance"), "v.csv", b"tenant;date;volume\nblois;01/01/2026;1\n")
    assert "Le fichier dépasse 1 Mo : découpez-le." in response.text
    assert not StorageVolume.objects.exists()


def test_money_changes_are_audited(world, billing_year, client_for):
    from auditlog.models import LogEntry

    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    entry = LogEntry.objects.get_for_object(run).get()
    assert "inputs" not in entry.changes_dict
    assert LogEntry.objects.get_for_object(billing_year.heb).exists()


def test_correcting_expenses_and_grid_lines(world, billing_year, client_for):
    from billing.models import Expense

    record_actuals(billing_year)
    client = client_for("finance")
    expense = billing_year.heb.expenses.get()
    response = client.post(
        reverse("billing:expense_update", args=[expense.pk]),
        {"invoice_date": "2025-12-31", "vendor": "V", "amount": "10"},
    )
    assert "La date doit appartenir à l&#x27;exercice 2026." in response.text
    response = client.post(reverse("billing:expense_delete", args=[expense.pk]))
    assert response.status_code == 302
    assert not Expense.objects.filter(pk=expense.pk).exists()

    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    runs.run_lock(run=run)
    line = billing_year.fiscal_year.grid.lines.get(code="tj")
    response = client.post(reverse("billing:tariff_line_delete", args=[line.pk]), follow=True)
    assert "est figée" in response.text
    assert TariffLine.objects.filter(pk=line.pk).exists()
