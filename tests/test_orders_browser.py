"""Browser journey through a purchase order, in headless Chromium (Debian's) via Playwright.

A partner user drafts an order (a grid unit price and a free line) and submits it; finance staff
price the free line and issue it; the actual run includes its charge; the partner downloads the
order's PDF and sees the charge on its shares page.
"""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from billing.models import OrderState, PurchaseOrder, RunKind
from billing.services import orders, runs
from tests.browser_fixtures import ARTIFACTS, log_in
from tests.order_fixtures import unit_price
from tests.titre_fixtures import settings_for

pytestmark = pytest.mark.browser


def test_partner_orders_finance_issues_partner_downloads_and_sees_the_charge(
    transactional_db, live_server, world, billing_year, users, browser, page, mailoutbox
):
    settings_for(world)
    fiscal_year = billing_year.fiscal_year
    today = timezone.localdate()
    in_year = today.year == fiscal_year.year
    if in_year:  # the period runs today: submitted in it; another year, as an emergency
        orders.ordering_period_save(
            fiscal_year=fiscal_year, opens_on=datetime.date(2026, 1, 1), closes_on=today
        )
    grid_line = unit_price(fiscal_year)
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_default_timeout(90_000)  # the first PDF render on a busy CI machine takes a while

    # The partner drafts its order from the navigation.
    log_in(page, base, users["partner_a"].email)
    page.get_by_role("navigation").get_by_role("link", name="Bons de commande").click()
    page.get_by_role("link", name="Nouveau bon de commande").click()
    page.select_option("select[name=tenant]", str(world.tenant_a.pk))
    page.fill("textarea[name=reason]", "Extension du stockage des archives de l'état civil")
    page.select_option("select[name=lines-0-tariff_line]", str(grid_line.pk))
    page.fill("input[name=lines-0-quantity]", "2,5")
    page.fill("input[name=lines-1-label]", "Reprise de 40 000 actes numérisés")
    page.fill("input[name=lines-1-quantity]", "1")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "enregistré en brouillon" in page.locator(".messages").inner_text()
    order = PurchaseOrder.objects.get()
    assert order.state == OrderState.DRAFT and order.partner == world.partner_a
    if not in_year:
        page.fill("textarea[name=emergency_reason]", "Saturation du stockage constatée")
    page.get_by_role("button", name="Soumettre au coordonnateur").click()
    assert "soumis au coordonnateur" in page.locator(".messages").inner_text()
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED
    assert users["finance"].email in [address for m in mailoutbox for address in m.to]
    page.screenshot(path=str(ARTIFACTS / "order_submitted.png"), full_page=True)

    # Finance staff price the free line and issue the order, charged on the next titre.
    page.context.clear_cookies()
    log_in(page, base, users["finance"].email)
    page.goto(f"{base}{order.get_absolute_url()}")
    page.locator("#order-review").get_by_role("link", name="Émettre").click()
    free = order.lines.get(tariff_line=None)
    page.fill(f"input[name=price_{free.pk}]", "1 500,00")
    page.get_by_label("Sur le prochain titre (prochaine répartition réelle)").check()
    page.get_by_role("button", name="Enregistrer").click()
    assert "émis et imputé" in page.locator(".messages").inner_text()
    order.refresh_from_db()
    assert order.reference == f"BC-{fiscal_year.year}-0001"
    assert page.locator("#order-state").inner_text() == "Émis"
    page.screenshot(path=str(ARTIFACTS / "order_issued.png"), full_page=True)
    # The year's actual run (the next one) includes the charge.
    runs.run_create(fiscal_year=fiscal_year, kind=RunKind.ACTUAL)

    # The partner downloads the PDF and finds the charge on its shares page.
    page.context.clear_cookies()
    log_in(page, base, users["partner_a"].email)
    page.goto(f"{base}{order.get_absolute_url()}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le bon de commande (PDF)").click()
    pdf = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())
    assert order.reference in text and "Ville de Blois" in text and "2 550,00 €" in text
    page.get_by_role("navigation").get_by_role("link", name="Mes quotes-parts").click()
    charges = page.locator("#order-charges").inner_text()
    assert order.reference in charges
    assert "2 550,00" in charges.replace("\u202f", " ").replace("\xa0", " ")
    assert "pas encore répartie" not in charges
    page.screenshot(path=str(ARTIFACTS / "order_shares.png"), full_page=True)
