"""The timeline printed, in Chromium: no navigation, header, footer or filter form; the filter
as the table's caption; each event on one line."""

import datetime

import pytest

from partners import services as partner_services
from tests.browser_fixtures import ARTIFACTS, log_in

pytestmark = pytest.mark.browser


def test_the_print_view_has_no_navigation_and_one_line_per_event(
    transactional_db, live_server, world, users, page
):
    old = partner_services.tenant_create(
        consortium=world.consortium,
        code="vieux",
        name="Ancien tenant au nom assez long pour tenir sur une ligne imprimée quand même",
        opened_on=datetime.date(2024, 2, 1),
        payer=world.partner_a,
    )
    partner_services.tenant_save(tenant=old, closed_on=datetime.date(2099, 6, 30))
    base = live_server.url
    log_in(page, base, users["finance"].email)
    page.goto(f"{base}/vie-du-groupement/partenaires/{world.partner_a.pk}/historique/")
    page.get_by_label("Tenants").check()
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**categories=tenants**")
    assert page.get_by_role("navigation", name="Navigation principale").is_visible()
    assert page.get_by_role("button", name="Imprimer").is_visible()

    # About a portrait A4 page's width: long titles would wrap without the print rules.
    page.set_viewport_size({"width": 720, "height": 1000})
    page.emulate_media(media="print")
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-footer").is_visible()
    assert not page.locator("form.filters").is_visible()
    caption = page.locator("table.timeline caption")
    assert caption.inner_text() == "Filtre : catégories : Tenants ; toute la période."
    rows = page.locator("table.timeline tr.event")
    assert rows.count() >= 4
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('table.timeline td')).lineHeight) || 16"
    )
    for index in range(rows.count()):
        assert rows.nth(index).bounding_box()["height"] < 2 * line, rows.nth(index).inner_text()
    assert page.get_by_text("Échéance à venir").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "timeline_print.png"), full_page=True)
