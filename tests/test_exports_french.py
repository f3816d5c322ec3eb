"""Exports a French spreadsheet opens right: `;`, BOM, decimal comma, local times, typed XLSX."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from billing.models import RunKind
from billing.services import runs
from governance.services import meetings as meeting_services
from ligeris.lib.exports import EUROS, neutralise
from tests.billing_matrix import issued_batch
from tests.exports import read_csv
from tests.governance_fixtures import MEETING_AT, vote_all


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+SUM(A1)",
        "-2+3",
        "@cmd",
        ' =HYPERLINK("http://x")',
        "\n=1",
        "\t1",
        "\r=1",
        "\uff1d1+1",  # full-width =
        "\u00a0\uff0bA1",
    ],
)
def test_what_a_spreadsheet_could_run_is_prefixed(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["-12,50", "-1 234,56", "+33 2 47 00 00 00", "Blois", "12", ""])
def test_plain_text_and_negative_numbers_keep_no_apostrophe(text):
    assert neutralise(text) == text


def test_the_decision_register_exports_meeting_times_in_local_time(copil, world, client_for):
    vote_all(copil.meeting, copil.decision)
    meeting_services.minutes_close(meeting=copil.meeting)
    response = client_for("finance").get(reverse("governance:decision_list"), {"_export": "csv"})
    header, *rows = read_csv(response)
    # The meeting of 10/03/2026 at 10:00 in Tours (09:00 UTC).
    assert MEETING_AT.hour == 10
    assert rows[0][header.index("Séance")] == "10/03/2026 10:00"
    assert "+00:00" not in response.content.decode("utf-8-sig")


@pytest.fixture
def batch(world, billing_year):
    return issued_batch(
        world, runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    )


def test_the_batch_csv_has_decimal_commas_and_french_dates(batch, client_for):
    url = reverse("billing:batch_detail", args=[batch.pk])
    header, *rows = read_csv(client_for("finance").get(url, {"_export": "csv"}))
    titres = list(batch.titres.order_by("number"))
    amounts = [row[header.index("Montant")] for row in rows]
    assert amounts == [f"{t.total:f}".replace(".", ",") for t in titres]
    assert all("." not in amount for amount in amounts)


def test_the_batch_xlsx_is_typed_totalled_frozen_and_named(batch, client_for):
    url = reverse("billing:batch_detail", args=[batch.pk])
    workbook = load_workbook(
        io.BytesIO(client_for("finance").get(url, {"_export": "xlsx"}).content)
    )
    assert workbook.sheetnames == ["Titres de recette"]
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    rows = list(sheet.iter_rows(min_row=2))
    titres = list(batch.titres.order_by("number"))
    body, total = rows[: len(titres)], rows[len(titres)]
    column = [cell.value for cell in sheet[1]].index("Montant")
    for row in body:
        assert row[column].data_type == "n"
        assert row[column].number_format == EUROS
    assert total[0].value == "Total"
    assert Decimal(str(total[column].value)) == sum(t.total for t in titres)
    assert total[column].font.bold
    assert len(rows) == len(titres) + 1


def test_an_xlsx_text_cell_is_never_a_formula(world, client_for):
    from partners import services

    services.partner_save(partner=world.partner_b, short_name="\uff1dHYPERLINK(1)")
    response = client_for("finance").get(reverse("partners:partner_list"), {"_export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    assert all(cell.data_type in ("s", "n", "d", "b") for cell in cells)
    assert "'\uff1dHYPERLINK(1)" in [cell.value for cell in cells]
