"""The accountant's files from the batch page: the PES flux (recorded, the same bytes every
time), the accounting import file (CSV in the French convention, XLSX), and the PES codes in the
titre settings, validated in French."""

import csv
import datetime
import hashlib
import io
import re
from decimal import Decimal
from html import unescape

from django.urls import reverse
from openpyxl import load_workbook

from partners import services as partner_services
from tests.factories import PartnerFactory
from tests.pes_fixtures import PES_CODES, annual_batch
from tests.titre_fixtures import settings_for
from titres.models import PesExport, RevenueTitle, TitreLine, TitreSettings
from titres.pes import schema

HEADERS = [
    "Exercice",
    "Bordereau",
    "Titre",
    "Ligne",
    "Nature",
    "Titre d'origine",
    "Date d'émission",
    "SIRET du tiers",
    "Tiers",
    "Chapitre",
    "Imputation",
    "Montant",
    "Objet",
    "Libellé de la ligne",
]


def test_finance_downloads_the_flux_from_the_batch_page(world, billing_year, client_for, users):
    batch = annual_batch(world, billing_year)
    client = client_for("finance")
    page = client.get(reverse("billing:batch_detail", args=[batch.pk]))
    url = reverse("titres:batch_pes", args=[batch.pk])
    assert f'href="{url}"' in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=ISO-8859-1"
    assert response["Cache-Control"] == "private, no-store"
    name = re.fullmatch(
        r'attachment; filename="(PESALR1_20445676800017_260120_\d{4}\.xml)"',
        response["Content-Disposition"],
    ).group(1)
    assert schema.errors_of(response.content) == []
    record = PesExport.objects.get()
    assert (record.batch, record.created_by, record.file_name) == (batch, users["finance"], name)
    assert record.sha256 == hashlib.sha256(response.content).hexdigest()
    assert record.size == len(response.content)
    assert client.get(url).content == response.content  # repeated: the same bytes
    page = client.get(reverse("billing:batch_detail", args=[batch.pk]))
    assert page.text.count(name) == 2  # both exports listed with who and when
    assert "Flux PES produits" in page.text


def test_without_the_pes_codes_the_page_says_what_is_missing(world, billing_year, client_for):
    batch = annual_batch(world, billing_year)
    settings_for(world, **dict.fromkeys(PES_CODES, ""))
    client = client_for("admin")
    response = client.get(reverse("titres:batch_pes", args=[batch.pk]), follow=True)
    assert response.redirect_chain == [(batch.get_absolute_url(), 302)]
    assert "Renseignez d'abord les codes PES" in unescape(response.text)
    assert "paramètres des titres" in unescape(response.text)
    assert not PesExport.objects.exists()


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheet software
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_accounting_csv_has_one_row_per_titre_line(world, billing_year, client_for):
    batch = annual_batch(world, billing_year)
    response = client_for("finance").get(reverse("titres:batch_accounting_csv", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="import-comptable-2026-bordereau-{batch.number}.csv"'
    )
    rows = _csv_rows(response.content)
    assert rows[0] == HEADERS
    lines = TitreLine.objects.filter(titre__batch=batch).select_related("titre")
    assert len(rows) - 1 == lines.count()
    amounts = [Decimal(row[11].replace(",", ".")) for row in rows[1:]]
    assert all(re.fullmatch(r"\d+,\d\d", row[11]) for row in rows[1:])  # decimal comma
    assert sum(amounts) == sum(t.total for t in batch.titres.all())
    blois = RevenueTitle.objects.get(batch=batch, tenant=world.tenant_a)
    first = next(row for row in rows[1:] if row[2] == str(blois.number))
    assert first[:4] == ["2026", str(batch.number), str(blois.number), "1"]
    assert first[4:11] == [
        "Titre annuel (terme à échoir)",
        "",
        "20/01/2026",
        world.partner_a.siret,
        "Ville de Blois",
        "70",
        "70878",
    ]
    assert first[12] == blois.object and first[13] == blois.lines.get(position=1).label


def test_the_accounting_xlsx_has_numeric_amounts(world, billing_year, client_for):
    batch = annual_batch(world, billing_year)
    response = client_for("admin").get(reverse("titres:batch_accounting_xlsx", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert all(isinstance(row[11], int | float) for row in rows[1:])
    assert sum(Decimal(str(row[11])) for row in rows[1:]) == sum(
        t.total for t in batch.titres.all()
    )
    assert all(isinstance(row[6], datetime.datetime) for row in rows[1:])


def test_the_accounting_file_cannot_run_a_formula(world, billing_year, client_for):
    hostile = PartnerFactory(consortium=world.consortium, name='=HYPERLINK("http://x")')
    partner_services.tenant_create(
        consortium=world.consortium,
        code="formule",
        name="Formule",
        opened_on=billing_year.tours.opened_on,
        payer=hostile,
    )
    batch = annual_batch(world, billing_year)
    client = client_for("finance")
    rows = _csv_rows(client.get(reverse("titres:batch_accounting_csv", args=[batch.pk])).content)
    assert '\'=HYPERLINK("http://x")' in [row[8] for row in rows]
    response = client.get(reverse("titres:batch_accounting_xlsx", args=[batch.pk]))
    names = [row[8] for row in load_workbook(io.BytesIO(response.content)).active.values]
    assert '\'=HYPERLINK("http://x")' in names


def _settings_data(**changes) -> dict:
    data = {
        field: value
        for field, value in TitreSettings.objects.values().get().items()
        if field not in ("id", "consortium_id", "logo_id")
    }
    return {**data, **changes}


def test_the_settings_validate_the_pes_codes_in_french(world, client_for):
    settings_for(world)
    client = client_for("finance")
    url = reverse("billing:titre_settings")
    bad = {
        "pes_poste": "37",
        "pes_siret": "12345678901234",
        "pes_collectivity_code": "000",
        "pes_budget_code": "1",
        "pes_product_code": "MU-T",
        "pes_function": "02a",
    }
    text = unescape(client.post(url, _settings_data(**bad)).text)
    for message in (
        "Le codique du poste comptable comporte 6 ou 7 chiffres",
        "Ce SIRET n'est pas valide",
        "Le code collectivité comporte exactement 3 chiffres",
        "Le code budget comporte 2 caractères",
        "Le code produit local comporte 1 à 4 lettres ou chiffres",
        "La fonction comporte 1 à 10 chiffres",
    ):
        assert message in text, message
    partial = client.post(url, _settings_data(pes_poste="037000"))
    assert "Renseignez aussi ce code" in unescape(partial.text)
    letters = client.post(url, _settings_data(imputation_article="7087A"))
    assert "Le compte d'imputation comporte 1 à 12 chiffres" in unescape(letters.text)
    assert TitreSettings.objects.get().pes_poste == ""  # nothing saved by the refusals
    response = client.post(url, _settings_data(**PES_CODES))
    assert response.status_code == 302
    saved = TitreSettings.objects.values(*PES_CODES).get()
    assert saved == PES_CODES
    assert TitreSettings.objects.get().pes_ready
