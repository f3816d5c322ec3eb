"""A partner user's journey, and a finance user's, in headless Chromium through Playwright.

Debian's Chromium is driven, never a downloaded browser. The live server reads what the test
committed, hence `transactional_db` before `world`.
"""

import pytest

from tests.browser_fixtures import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def first_column(page) -> list[str]:
    return [
        text.strip() for text in page.locator("table tbody tr td:first-child").all_inner_texts()
    ]


def test_partner_user_sees_only_its_own(transactional_db, live_server, world, users, page):
    base = live_server.url
    log_in(page, base, users["partner_a"].email)
    assert page.locator("h1").inner_text() == world.consortium.name

    page.get_by_role("link", name="Mon partenaire").click()
    page.wait_for_url(f"{base}/partenaires/{world.partner_a.pk}/")
    assert page.locator("h1").inner_text() == "Ville de Blois"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "partner_page.png"), full_page=True)

    page.get_by_role("navigation").get_by_role("link", name="Tenants").click()
    page.wait_for_url(f"{base}/tenants/")
    codes = first_column(page)
    assert "blois" in codes
    assert "blaisois" in codes
    assert "agglo" not in codes

    response = page.goto(f"{base}/partenaires/{world.partner_b.pk}/")
    assert response.status == 404
    response = page.goto(f"{base}/tenants/{world.tenant_b.pk}/")
    assert response.status == 404


def test_finance_user_lists_partners_with_csv_export(
    transactional_db, live_server, world, users, page
):
    base = live_server.url
    log_in(page, base, users["finance"].email)

    response = page.goto(f"{base}/partenaires/")
    assert response.status == 200
    names = first_column(page)
    assert "Ville de Blois" in names
    assert "Agglopolys" in names
    csv_link = page.locator("p.exports").get_by_role("link", name="CSV", exact=True)
    assert csv_link.count() == 1
    assert "csv" in csv_link.get_attribute("href")
