"""Titre pages: exports, downloads, payments and corrections through the forms, the portal."""

import datetime
import hashlib
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from billing.models import RunKind
from billing.services import runs, titres
from tests.billing_matrix import draft_batch, issued_batch
from tests.exports import read_csv
from tests.titre_fixtures import settings_for
from titres.models import Payment, RevenueTitle, TitreDocument, TitreKind, TitreSettings


@pytest.fixture
def run(world, billing_year):
    return runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)


@pytest.fixture
def batch(world, run):
    return issued_batch(world, run)


@pytest.fixture
def titre_a(world, batch):
    return RevenueTitle.objects.get(batch=batch, tenant=world.tenant_a)


def test_batch_exports_for_the_finance_software(batch, client_for):
    client = client_for("finance")
    url = reverse("billing:batch_detail", args=[batch.pk])
    response = client.get(url, {"_export": "csv"})
    rows = read_csv(response)
    assert rows[0] == ["Numéro", "Débiteur", "SIRET", "Imputation", "Montant", "Objet"]
    titres = list(batch.titres.order_by("number"))
    assert [row[0] for row in rows[1:]] == [t.reference for t in titres]
    assert rows[1][2] == titres[0].debtor.siret
    assert rows[1][3] == "70/70878"
    assert Decimal(rows[1][4].replace(",", ".")) == titres[0].total
    response = client.get(url, {"_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    *amounts, total = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(Decimal(str(a)) for a in amounts) == sum(t.total for t in titres)
    assert Decimal(str(total)) == sum(t.total for t in titres)  # the total row


def test_pdf_download_is_the_stored_document_never_cached(titre_a, client_for):
    response = client_for("partner_a").get(reverse("billing:titre_pdf", args=[titre_a.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert hashlib.sha256(response.content).hexdigest() == titre_a.document.sha256
    response = client_for("partner_a").get(
        reverse("billing:titre_pdf", args=[titre_a.pk]), {"pdfa": "1"}
    )
    xmp = PdfReader(io.BytesIO(response.content)).trailer["/Root"]["/Metadata"].get_data()
    assert re.search(rb'pdfaid:part(>|=")3', xmp), xmp
    assert re.search(rb'pdfaid:conformance(>|=")B', xmp), xmp


def test_partner_portal_lists_only_its_issued_titres(world, titre_a, client_for):
    response = client_for("partner_b").get(reverse("billing:my_titres"))
    assert titre_a.reference not in response.text
    response = client_for("partner_a").get(reverse("billing:my_titres"))
    for titre in RevenueTitle.objects.filter(debtor=world.partner_a):
        assert titre.reference in response.text
    assert "En retard" in response.text  # issued 20/01/2026, due a month later, unpaid


def test_payment_form_records_partial_and_refuses_too_much(titre_a, client_for):
    client = client_for("finance")
    url = reverse("billing:payment_create", args=[titre_a.pk])
    day = titre_a.issued_on.isoformat()
    response = client.post(url, {"paid_on": day, "amount": "10.00", "reference": "P503-1"})
    assert response.status_code == 302
    response = client.post(url, {"paid_on": day, "amount": str(titre_a.total), "reference": "x"})
    assert response.status_code == 200
    assert "Le paiement dépasse le reste à recouvrer" in response.text
    assert list(Payment.objects.values_list("amount", flat=True)) == [Decimal("10.00")]
    page = client.get(titre_a.get_absolute_url()).text
    assert "Payé partiellement" in page or "En retard" in page


def test_cancellation_form_issues_a_numbered_titre(batch, titre_a, client_for):
    client = client_for("finance")
    last = batch.titres.order_by("-number").first().number
    response = client.post(
        reverse("billing:titre_correct", args=[titre_a.pk]),
        {
            "kind": TitreKind.CANCELLATION,
            "reason": "Tenant fermé avant le 1er janvier",
            "issue_date": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    cancellation = RevenueTitle.objects.get(original=titre_a)
    assert cancellation.number == last + 1
    assert cancellation.total == titre_a.total
    assert "Annulé" in client.get(titre_a.get_absolute_url()).text


def test_issuing_refused_while_titres_below_threshold_are_undecided(world, run, client_for):
    settings_for(world)
    TitreSettings.objects.update(recovery_threshold=Decimal("1000000"))
    batch = draft_batch(world, run)
    client = client_for("finance")
    url = reverse("billing:batch_issue", args=[batch.pk])
    summary = unescape(client.post(url).text)
    assert "Décidez d'abord pour les " in summary and "inférieurs au seuil" in summary
    assert "Confirmer : émettre le bordereau" not in summary
    response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "Décidez d'abord pour les titres inférieurs au seuil" in unescape(response.text)
    assert not RevenueTitle.objects.exclude(number=None).exists()


def test_drafts_form_refuses_a_future_date(world, run, client_for):
    settings_for(world)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client_for("finance").post(
        reverse("billing:drafts_from_run", args=[2026]),
        {"run": run.pk, "issue_date": tomorrow.isoformat()},
    )
    assert response.status_code == 200
    assert "La date d'émission ne peut pas être dans le futur." in unescape(response.text)
    assert not RevenueTitle.objects.exists()


def test_settings_form_checks_the_iban(world, client_for):
    settings_for(world)
    data = {
        field: value
        for field, value in TitreSettings.objects.values().get().items()
        if field not in ("id", "consortium_id", "logo_id")
    }
    saved = data["iban"]
    data["iban"] = saved[:-1] + str((int(saved[-1]) + 1) % 10)  # one digit off
    response = client_for("finance").post(reverse("billing:titre_settings"), data)
    assert "IBAN invalide" in response.text
    assert TitreSettings.objects.get().iban == saved


@pytest.mark.parametrize("iban", ["¹", "FR76¹²³" + "1" * 20, "FR76" + "١" * 23])
def test_an_iban_with_unicode_digits_is_refused_in_french(world, client_for, iban):
    # str.isalnum() and isdigit() accept "¹" and "١"; int(..., 36) does not.
    settings_for(world)
    data = {
        field: value
        for field, value in TitreSettings.objects.values().get().items()
        if field not in ("id", "consortium_id", "logo_id")
    }
    saved, data["iban"] = data["iban"], iban
    response = client_for("finance").post(reverse("billing:titre_settings"), data)
    assert response.status_code == 200
    assert "IBAN invalide" in response.text
    assert TitreSettings.objects.get().iban == saved


def test_overdue_page_flags_the_partner_for_exclusion(world, titre_a, client_for):
    response = client_for("finance").get(reverse("billing:overdue"))
    assert titre_a.reference in response.text  # issued 20/01/2026, due 19/02/2026, unpaid
    flags = response.context["flags"]
    assert world.partner_a in [flag.partner for flag in flags]


def test_resume_runs_the_missing_part_of_the_job(
    world, run, client_for, django_capture_on_commit_callbacks
):
    batch = draft_batch(world, run)
    for titre in batch.titres.filter(below_threshold=True):
        titres.titre_decide_recovery(titre=titre, recover=True)
    batch = titres.batch_issue(batch=batch)  # its job never ran: no commit in a test transaction
    assert not TitreDocument.objects.exists()
    page = client_for("finance").get(reverse("billing:batch_detail", args=[batch.pk]))
    assert "Relancer la production" in unescape(page.text)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("finance").post(reverse("billing:batch_resume", args=[batch.pk]))
    assert response.status_code == 302
    assert TitreDocument.objects.count() == batch.titres.count()


def test_trueup_form_explains_what_is_missing(batch, client_for):
    response = client_for("finance").post(
        reverse("billing:drafts_from_trueup", args=[2026]),
        {"issue_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "Calculez d'abord la répartition réelle de l'exercice." in unescape(response.text)
    assert RevenueTitle.objects.count() == batch.titres.count()


@pytest.mark.parametrize("text", ["¹" * 14, "١" * 14, "1234567890123²"])
def test_a_siret_of_unicode_digits_is_refused_not_crashed(text):
    from django.core.exceptions import ValidationError

    from partners.validators import validate_siret

    with pytest.raises(ValidationError):
        validate_siret(text)
