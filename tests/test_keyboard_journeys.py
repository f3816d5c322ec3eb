"""The three main journeys with the keyboard only, in Chromium (RGAA: everything a mouse does,
a keyboard does, and the focus is always visible): finance staff issue a batch, a secretary
records a meeting and closes its minutes, a partner user downloads its titre."""

import io

import pytest
from pypdf import PdfReader

from billing.models import RunKind
from billing.services import runs
from governance.models import Decision, Meeting
from tests.conftest import PASSWORD
from tests.keyboard import activate, choose, log_in
from tests.titre_fixtures import settings_for
from titres.models import RevenueTitle, TitreDocument

pytestmark = pytest.mark.browser


def test_finance_issues_a_batch_and_a_partner_downloads_its_titre_by_keyboard(
    transactional_db, live_server, world, billing_year, users, page, mailoutbox
):
    settings_for(world)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    base = live_server.url
    log_in(page, base, users["finance"].email, PASSWORD)

    page.goto(f"{base}/finances/exercices/2026/")
    activate(page, page.get_by_role("link", name="Établir les titres"))
    page.wait_for_selector("select[name=run]")
    label = page.locator(f"select[name=run] option[value='{run.pk}']").inner_text()
    choose(page, page.locator("select[name=run]"), label[:12])
    activate(page, page.get_by_role("button", name="Enregistrer"))
    page.wait_for_selector(".messages")
    assert "Titres établis en brouillon" in page.locator(".messages").inner_text()
    while page.get_by_role("button", name="Émettre quand même").count():
        activate(page, page.get_by_role("button", name="Émettre quand même"))
        page.wait_for_load_state()
    activate(page, page.get_by_role("button", name="Émettre le bordereau"))
    activate(page, page.get_by_role("button", name="Confirmer : émettre le bordereau"))
    page.wait_for_selector("#batch-progress[data-done='true']", timeout=30_000)
    drafts = RevenueTitle.objects.filter(run=run)
    assert not drafts.filter(number=None).exists()
    assert TitreDocument.objects.count() == drafts.count()

    own = drafts.get(tenant=world.tenant_a)
    page.context.clear_cookies()
    log_in(page, base, users["partner_a"].email, PASSWORD)
    activate(page, page.get_by_role("navigation").get_by_role("link", name="Mes titres"))
    page.wait_for_url(f"{base}/finances/mes-titres/")
    activate(page, page.get_by_role("link", name=own.reference))
    page.wait_for_url(f"{base}{own.get_absolute_url()}")
    with page.expect_download() as download_info:
        activate(page, page.get_by_role("link", name="Télécharger le PDF"))
    with open(download_info.value.path(), "rb") as pdf:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert own.reference in text


def test_a_secretary_records_a_meeting_and_closes_its_minutes_by_keyboard(
    transactional_db, live_server, world, users, copil, page
):
    base = live_server.url
    meeting = copil.meeting
    log_in(page, base, users["secretary"].email, PASSWORD)
    page.goto(f"{base}{meeting.get_absolute_url()}")

    # Attendance as the fixture left it (B excused, proxy to the coordinator): confirmed.
    activate(page, page.get_by_role("link", name="Présences et pouvoirs"))
    activate(page, page.locator("main button[type=submit]"))
    page.wait_for_url(f"{base}{meeting.get_absolute_url()}")
    assert page.get_by_text("Les présences ont été enregistrées.").is_visible()

    activate(page, page.get_by_role("link", name="Enregistrer les votes"))
    page.wait_for_selector("main select[name^=choice_]")
    for select in page.locator("main select[name^=choice_]").all():
        choose(page, select, "Pour")
    values = page.eval_on_selector_all("main select[name^=choice_]", "ss => ss.map(s => s.value)")
    assert values == ["for"] * len(values), values
    activate(page, page.get_by_role("button", name="Enregistrer les votes"))
    page.wait_for_url(f"{base}{meeting.get_absolute_url()}")
    decision = Decision.objects.get(pk=copil.decision.pk)
    assert decision.is_adopted

    activate(page, page.get_by_role("button", name="Clore le procès-verbal"))
    activate(page, page.get_by_role("button", name="Confirmer : clore et publier le procès-verbal"))
    page.wait_for_url(f"{base}{meeting.get_absolute_url()}")
    assert Meeting.objects.get(pk=meeting.pk).minutes_closed_at is not None
    with page.expect_download() as download_info:
        activate(page, page.get_by_role("link", name="Télécharger le procès-verbal (PDF)"))
    assert download_info.value.suggested_filename.endswith(".pdf")
