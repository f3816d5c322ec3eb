"""Browser journey through the titres, in headless Chromium (Debian's) via Playwright.

Finance staff draw up the year's titres from the budget run, issue the batch and watch its
progress bar reach the end; a partner user then downloads its own titre and gets "not found"
for another partner's.
"""

import io

import pytest
from pypdf import PdfReader

from billing.models import RunKind
from billing.services import runs
from tests.browser_fixtures import ARTIFACTS, log_in
from tests.titre_fixtures import settings_for
from titres.models import RevenueTitle, TitreDocument, TitreEmail

pytestmark = pytest.mark.browser


def test_finance_issues_a_batch_and_partner_downloads_its_own(
    transactional_db, live_server, world, billing_year, users, browser, page, mailoutbox
):
    settings_for(world)  # partners A, B and the coordinator get a billing e-mail
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    base = live_server.url
    log_in(page, base, users["finance"].email)

    # Draw up the titres of the budget run, from the year's page.
    page.goto(f"{base}/finances/exercices/2026/")
    page.get_by_role("link", name="Établir les titres").click()
    page.select_option("select[name=run]", str(run.pk))
    page.get_by_role("button", name="Enregistrer").click()
    assert "Titres établis en brouillon" in page.locator(".messages").inner_text()
    drafts = RevenueTitle.objects.filter(run=run)
    assert drafts.count() >= 3
    assert not drafts.exclude(number=None).exists()
    for button in page.get_by_role("button", name="Émettre quand même").all():
        button.click()

    # Confirmed: numbered at once; the progress bar follows the PDFs and e-mails to the end.
    # Issue: a summary first (count, total, numbers, e-mails), nothing numbered yet.
    page.get_by_role("button", name="Émettre le bordereau").click()
    assert page.locator("#issue-summary [data-field=count]").inner_text() == str(drafts.count())
    assert "2026-00001" in page.locator("#issue-summary [data-field=numbers]").inner_text()
    assert not drafts.exclude(number=None).exists()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "batch_issue_confirm.png"), full_page=True)
    page.get_by_role("button", name="Confirmer : émettre le bordereau").click()
    assert "titres numérotés" in page.locator(".messages").inner_text()
    page.wait_for_selector("#batch-progress[data-done='true']", timeout=30_000)
    assert page.locator("#batch-progress progress").get_attribute("value") == "100"
    count = drafts.count()
    assert sorted(drafts.values_list("number", flat=True)) == list(range(1, count + 1))
    assert TitreDocument.objects.count() == count
    assert TitreEmail.objects.exclude(sent_at=None).count() == len(mailoutbox) == count
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "titres_batch.png"), full_page=True)

    # The partner: its titres in "Mes titres", the PDF downloaded, another's titre is a 404.
    own = RevenueTitle.objects.get(run=run, tenant=world.tenant_a)
    other = RevenueTitle.objects.exclude(debtor=world.partner_a).filter(run=run).first()
    page.context.clear_cookies()
    log_in(page, base, users["partner_a"].email)
    page.get_by_role("navigation").get_by_role("link", name="Mes titres").click()
    page.wait_for_url(f"{base}/finances/mes-titres/")
    listed = page.locator("main table tbody").inner_text()
    assert own.reference in listed
    assert other.reference not in listed
    page.get_by_role("link", name=own.reference).click()
    page.wait_for_url(f"{base}{own.get_absolute_url()}")
    page.screenshot(path=str(ARTIFACTS / "titres_partner.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le PDF").click()
    pdf = open(download_info.value.path(), "rb").read()  # noqa: SIM115
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert own.reference in text
    assert world.partner_a.siret in text.replace(" ", "")  # printed in groups: 200 032 944 00015
    response = page.goto(f"{base}{other.get_absolute_url()}")
    assert response.status == 404
    assert "Page introuvable" in page.content()
    response = page.goto(f"{base}/finances/titres/{other.pk}/pdf/")
    assert response.status == 404
