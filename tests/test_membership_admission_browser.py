"""Browser journey of an admission (issue 13), in Chromium against the live server.

Finance staff open Chinon's candidacy, run the simulation, read the table and put the file on the
agenda of the COPIL of 10 March 2026 (the `copil` fixture: attendance recorded, its roadmap item
voted beforehand). The secretary records the admission vote and closes the minutes through the
confirmation page; Chinon is then a member holding its tenant, and the amendment drawn up at the
closing lists the parties that have not yet approved it.
"""

import datetime
import io

import pytest
from openpyxl import load_workbook

from governance.models import Decision
from membership.models import AmendmentFile
from tests.admission_fixtures import build_admission
from tests.browser_fixtures import ARTIFACTS, log_in
from tests.governance_fixtures import vote_all

pytestmark = pytest.mark.browser


def _text(locator) -> str:
    return locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_an_admission_from_the_candidacy_to_the_pending_amendment(
    transactional_db, live_server, world, users, copil, browser, page
):
    year = build_admission(world, opening=datetime.date(2026, 1, 1))
    vote_all(copil.meeting, copil.decision)  # the roadmap: the meeting's other decision item
    base = live_server.url

    # 1. Finance opens the candidacy, runs the simulation and reads the table.
    log_in(page, base, users["finance"].email)
    page.get_by_role("navigation").get_by_role("link", name="Candidatures").click()
    page.get_by_role("link", name="Ville de Chinon").click()
    page.wait_for_url(f"{base}{year.candidacy.get_absolute_url()}")
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
    _shot(page, "admission-1-simulation.png")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger (XLSX)").click()
    data = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    sheet = load_workbook(io.BytesIO(data)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "Ville de Chinon" in names and names[-1] == "Total"

    # 2. Finance puts the file on the COPIL's agenda.
    page.goto(f"{base}{year.candidacy.get_absolute_url()}")
    page.get_by_role("link", name="Inscrire au COPIL").click()
    page.get_by_label("Séance du comité de pilotage").select_option(label="COPIL du 10/03/2026")
    page.get_by_label("Numéro de délibération").fill("2026-07")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{year.candidacy.get_absolute_url()}")
    main = _text(page.locator("main"))
    assert "L'admission est inscrite à l'ordre du jour du COPIL." in main
    assert "à l'ordre du jour du COPIL du 10/03/2026" in main
    assert "Inscrire au COPIL" not in main
    _shot(page, "admission-2-at-copil.png")

    # 3. The secretary records the admission vote and closes the minutes.
    page.context.clear_cookies()
    log_in(page, base, users["secretary"].email)
    page.get_by_role("navigation").get_by_role("link", name="Séances").click()
    page.get_by_role("link", name="10/03/2026").click()
    page.wait_for_url(f"{base}{copil.meeting.get_absolute_url()}")
    item = page.locator("article.card").filter(has_text="Adhésion de Ville de Chinon")
    assert "Le comité de pilotage admet Ville de Chinon" in _text(item)
    item.get_by_role("link", name="Enregistrer les votes").click()
    page.wait_for_url(f"{base}/gouvernance/points/*/votes/")
    # Blois and the coordinator's tenants are deployed (deliberative); the candidate holds none.
    assert "Ville de Chinon" not in _text(page.locator("tbody"))
    for tenant in (world.tenant_a, world.tenant_coordinator, world.tenant_b, world.tenant_shared):
        page.get_by_label(f"Vote du tenant {tenant.code}").select_option(label="Pour")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{copil.meeting.get_absolute_url()}")
    assert "Les votes ont été enregistrés et le résultat calculé." in _text(page.locator("main"))
    item = page.locator("article.card").filter(has_text="Adhésion de Ville de Chinon")
    assert "Décision : Adoptée par consensus" in _text(item)

    page.get_by_role("button", name="Clore le procès-verbal").click()
    summary = _text(page.locator("main"))
    assert "Ville de Chinon devient membre du groupement (admission adoptée)." in summary
    assert "ne pourront plus changer" in summary
    _shot(page, "admission-3-closing-summary.png")
    page.get_by_role("button", name="Confirmer : clore et publier le procès-verbal").click()
    page.wait_for_url(f"{base}{copil.meeting.get_absolute_url()}")
    assert "Le procès-verbal est clos et publié aux partenaires." in _text(page.locator("main"))

    # 4. Chinon is a member, holding its tenant.
    page.get_by_role("navigation").get_by_role("link", name="Partenaires").click()
    page.get_by_role("link", name="Ville de Chinon").click()
    page.wait_for_url(f"{base}{year.candidate.get_absolute_url()}")
    lead = _text(page.locator("main .lead"))
    assert "Membre" in lead and "Candidat" not in lead
    tenants = _text(page.locator("#tenants ~ table"))
    assert "chinon — Ville de Chinon" in tenants and "01/01/2026" in tenants
    _shot(page, "admission-4-member.png")

    # 5. Its amendment, drawn up at the closing, lists who has not yet approved it: the
    # dashboard shows it waiting, and the candidacy leads to it.
    file = AmendmentFile.objects.get(
        decision=Decision.objects.get(concerned_partner=year.candidate)
    )
    page.get_by_role("navigation").get_by_role("link", name="Vie du groupement").click()
    waiting = page.locator("section").filter(
        has=page.get_by_role("heading", name="Avenants en attente d'approbation")
    )
    assert "Ville de Chinon" in _text(waiting)
    page.get_by_role("navigation").get_by_role("link", name="Candidatures").click()
    page.get_by_role("link", name="Ville de Chinon").click()
    page.wait_for_url(f"{base}{year.candidacy.get_absolute_url()}")
    assert "Admise" in _text(page.locator("main .lead"))
    page.get_by_role("link", name="avenant n° 1 et ses approbations").click()
    page.wait_for_url(f"{base}{file.get_absolute_url()}")
    assert "Avenant n° 1 — Adhésion de Ville de Chinon" in _text(page.locator("h1"))
    assert "non : approbations en attente" in _text(page.locator("#amendment-in-force"))
    pending = _text(page.locator("#amendment-pending"))
    assert "N'ont pas encore approuvé (4)" in pending
    for name in ("Agglopolys", "Département d'Indre-et-Loire", "Ville de Blois", "Ville de Chinon"):
        assert name in pending
    _shot(page, "admission-5-amendment.png")
