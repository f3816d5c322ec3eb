"""A partner user's journey, and a finance user's, in headless Chromium through Playwright.

Debian's Chromium is driven, never a downloaded browser. The live server reads what the test
committed, hence `transactional_db` before `world`.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"!!! {CHROMIUM} NOT FOUND: the browser tests are SKIPPED !!!")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; Django's ORM would
    # then refuse the test's own (synchronous) queries.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def log_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/comptes/login/")
    form = page.locator("form:has(input[name='login'])")
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    form.locator("button[type='submit']").click()
    page.wait_for_url(f"{base_url}/")


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
