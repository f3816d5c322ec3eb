"""Browser journey through cost sharing, in headless Chromium (Debian's) via Playwright.

Finance staff import the volumes, run the budget allocation, open a tenant's explanation and
download the recap XLSX; a partner user then sees only its own lines.
"""

import io

import pytest
from openpyxl import load_workbook

from billing.models import AllocationRun, StorageVolume
from tests.browser_fixtures import ARTIFACTS, log_in

pytestmark = pytest.mark.browser

VOLUMES = (
    "tenant;date;volume;unité\n"
    "blois;01/01/2026;1,25;To\n"
    "agglo;01/01/2026;3000;Go\n"
    "blaisois;01/01/2026;2,05;To\n"
    "cd37;01/01/2026;8;To\n"
)


def _text(locator) -> str:
    return locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def test_finance_runs_the_year_and_partner_sees_its_own(
    transactional_db,
    live_server,
    world,
    billing_year,
    users,
    browser,
    page,
    tmp_path,
):
    StorageVolume.objects.all().delete()
    base = live_server.url
    log_in(page, base, users["finance"].email)
    page.get_by_role("navigation").get_by_role("link", name="Répartition des coûts").click()
    page.wait_for_url(f"{base}/finances/")

    # Import the volumes: a preview first, nothing saved until confirmed.
    page.get_by_role("link", name="Importer la volumétrie").click()
    csv_file = tmp_path / "volumes.csv"
    csv_file.write_text(VOLUMES, encoding="utf-8")
    page.set_input_files("input[type=file]", str(csv_file))
    page.get_by_role("button", name="Prévisualiser").click()
    assert "4 lignes valides" in page.locator("main").inner_text()
    assert StorageVolume.objects.count() == 0
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_url(f"{base}/finances/volumetrie/")
    assert "4 relevés importés." in page.locator(".messages").inner_text()

    # Run the budget allocation from the year's page.
    page.goto(f"{base}/finances/exercices/2026/")
    page.select_option("select[name=kind]", "budget")
    page.get_by_role("button", name="Calculer la répartition").click()
    run = AllocationRun.objects.get()
    page.wait_for_url(f"{base}{run.get_absolute_url()}")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "billing_run.png"), full_page=True)
    assert "Répartition calculée" in page.locator(".messages").inner_text()

    # The shares are grouped by debtor: open Blois's group, then its storage share's explanation.
    share = run.shares.get(pool_code="vol", tenant=world.tenant_a)
    page.locator(f"#debtor-{share.partner_id} summary").click()
    page.locator(f"a[href='/finances/quotes-parts/{share.pk}/']").click()
    page.screenshot(path=str(ARTIFACTS / "billing_share.png"), full_page=True)
    explanation = _text(page.locator("#explanation"))
    assert "1,25 To sur 14,30 To" in explanation
    assert "874,13 €" in explanation

    # Download the recap XLSX.
    page.goto(f"{base}/finances/exercices/2026/recapitulatif/")
    assert page.locator("figure.chart").count() == 1  # the summary: its totals by pool
    page.get_by_role("link", name="par partenaire").click()
    page.wait_for_url("**/repartition/?vue=partner")  # count on the new page, not the old one
    assert page.locator("figure.chart").count() == 3  # one chart per paying partner shown
    page.goto(f"{base}/finances/exercices/2026/recapitulatif/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "billing_recap.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="XLSX").click()
    path = download_info.value.path()
    workbook = load_workbook(io.BytesIO(open(path, "rb").read()))  # noqa: SIM115
    assert "Par tenant" in workbook.sheetnames

    # A partner user: its own lines only, another partner's share is a 404.
    page.context.clear_cookies()
    log_in(page, base, users["partner_a"].email)
    page.get_by_role("navigation").get_by_role("link", name="Mes quotes-parts").click()
    page.wait_for_url(f"{base}/finances/quotes-parts/")
    tenants = {
        text.strip() for text in page.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    }
    assert tenants <= {"blois", "blaisois", "tours", "—"}
    assert "blois" in tenants
    page.goto(f"{base}/finances/exercices/2026/recapitulatif/")
    rows = _text(page.locator("#recap-rows tbody"))
    assert "blois" in rows
    assert "agglo" not in rows
    assert "cd37" not in rows
    assert page.locator("figure.chart").count() == 1
    other = run.shares.get(pool_code="heb", tenant=world.tenant_b)
    response = page.goto(f"{base}/finances/quotes-parts/{other.pk}/")
    assert response.status == 404
