"""Browser journey: finance staff open a candidacy, run the simulation and read the table."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from tests.admission_fixtures import build_admission
from tests.browser_fixtures import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def _text(locator) -> str:
    return locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def test_finance_opens_a_candidacy_and_reads_the_simulation(
    transactional_db, live_server, world, users, browser, page
):
    build_admission(world, opening=datetime.date(2026, 1, 1))
    base = live_server.url
    log_in(page, base, users["finance"].email)
    page.get_by_role("navigation").get_by_role("link", name="Candidatures").click()
    page.get_by_role("link", name="Ville de Chinon").click()
    main = _text(page.locator("main"))
    assert "Critères de l'article 8" in main and "Inscrire au COPIL" in main

    page.get_by_role("link", name="Simulation de l'impact sur les quotes-parts").click()
    page.select_option("select[name=annee]", "2026")
    page.get_by_role("button", name="Simuler").click()
    table = page.locator("#impact-table")
    blois = _text(table.get_by_role("row").filter(has_text="Ville de Blois"))
    assert "4 300,00 €" in blois and "3 548,08 €" in blois and "-751,92 €" in blois
    assert "-17,49 %" in blois
    candidate = _text(table.get_by_role("row").filter(has_text="Ville de Chinon"))
    assert "3 086,54 €" in candidate
    assert "18 900,00 €" in _text(table.locator("tfoot"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "admission-simulation.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger (XLSX)").click()
    data = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    sheet = load_workbook(io.BytesIO(data)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "Ville de Chinon" in names and names[-1] == "Total"
