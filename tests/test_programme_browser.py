"""A secretary records a workstream's deliverable and the COPIL's follow-up; a partner reads it.

Headless Debian Chromium through Playwright, against the live server.
"""

import pytest

from partners.models import BillingMode, Consortium
from programme.models import DeliverableStatus, ObjectivesStatus, WorkstreamReview
from programme.services import workstreams as services
from tests.browser_fixtures import log_in
from tests.portal_fixtures import pdf_bytes

pytestmark = pytest.mark.browser


def test_secretary_records_a_deliverable_and_the_copil_follow_up(
    transactional_db, live_server, world, users, copil, page, tmp_path
):
    # A partnership programme (seeds 001/003): a consortium that bills nothing shows its workstreams.
    Consortium.objects.filter(pk=world.consortium.pk).update(
        shares_costs=False, billing_mode=BillingMode.NONE
    )
    workstream = services.workstream_create(
        consortium=world.consortium,
        name="Catalogage",
        summary="Établir un état des lieux exhaustif des données nativement numériques.",
    )
    base = live_server.url
    page.set_default_timeout(60_000)  # a loaded machine: the journey, not its speed, is tested
    log_in(page, base, users["secretary"].email)

    # The workstream, from the navigation; a new deliverable.
    page.get_by_role("navigation").get_by_role("link", name="Chantiers").click()
    page.get_by_role("link", name="Catalogage").click()
    page.get_by_role("link", name="Nouveau livrable").click()
    page.get_by_label("Livrable").fill("Guide méthodologique")
    page.get_by_label("Échéance").fill("2026-06-30")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/programme/chantiers/{workstream.pk}/")

    # Delivered: a file that is not a PDF is refused in French, then the PDF is accepted.
    page.get_by_role("link", name="Suivre « Guide méthodologique »").click()
    page.get_by_label("État").select_option(DeliverableStatus.DELIVERED)
    fake = tmp_path / "guide.pdf"
    fake.write_bytes(b"PK\x03\x04 un tableur")
    page.set_input_files("input[type=file]", str(fake))
    page.locator("main button[type=submit]").click()
    assert page.get_by_text("Le fichier n'est pas un PDF").is_visible()
    guide = tmp_path / "guide-ok.pdf"
    guide.write_bytes(pdf_bytes(2))
    page.get_by_label("État").select_option(DeliverableStatus.DELIVERED)
    page.set_input_files("input[type=file]", str(guide))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/programme/chantiers/{workstream.pk}/")
    assert page.get_by_role("link", name="PDF, 2 pages").is_visible()
    deliverable = workstream.deliverables.get()
    assert deliverable.status == DeliverableStatus.DELIVERED
    assert deliverable.delivered_on is not None and deliverable.document_pages == 2

    # The COPIL's follow-up, from its meeting page: progress proposed from the deliverables.
    page.goto(f"{base}{copil.meeting.get_absolute_url()}")
    page.get_by_role("link", name="Saisir le suivi des chantiers").click()
    progress = page.get_by_label("Avancement (%)")
    assert progress.input_value() == "100"
    progress.fill("60")
    page.get_by_label("Objectifs", exact=True).select_option(ObjectivesStatus.REVISED)
    page.get_by_label("Objectifs atteints ou révisés").fill("Recensement étendu à Osny")
    page.get_by_label("Ressources mobilisées").fill("Deux archivistes, un DSI")
    page.get_by_role("button", name="Enregistrer le suivi").click()
    page.wait_for_url(f"{base}{copil.meeting.get_absolute_url()}")
    assert page.get_by_text("Le suivi des chantiers a été enregistré.").is_visible()
    section = page.locator("section:has(h2#workstreams)")
    assert section.get_by_text("60 %").is_visible()
    assert section.get_by_text("Recensement étendu à Osny").is_visible()
    review = WorkstreamReview.objects.get()
    assert (review.workstream, review.meeting, review.progress) == (workstream, copil.meeting, 60)

    # A partner reads the workstream and downloads the deliverable.
    page.context.clear_cookies()
    log_in(page, base, users["partner_b"].email)
    page.goto(f"{base}/programme/chantiers/{workstream.pk}/")
    assert page.get_by_text("Recensement étendu à Osny").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF, 2 pages").click()
    assert download.value.suggested_filename == f"livrable-{deliverable.pk}.pdf"
    assert page.get_by_role("link", name="Nouveau livrable").count() == 0
