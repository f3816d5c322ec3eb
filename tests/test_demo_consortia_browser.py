"""Each of the demo's new consortia, in headless Chromium: its staff user does its main job and
cannot reach Ligeris's pages.

- Cœur Côte Fleurie (seed 004): finance votes the 2026 catalogue, is refused the annual titres
  on 1 April, draws them up on 10 February 2027 and issues them;
- GIP RECIA (seed 002): finance records a member's request and reads the monthly report;
- Cergy-Pontoise (seeds 001/003): the secretary records a workstream's deliverable.

One test, one load of the demo (most of a minute), three users in turn.
"""

import io

import pytest
import time_machine
from django.core.management import call_command

from accounts.management.commands.load_demo import DEMO_PASSWORD
from catalogue.models import Catalogue
from commitments.models import Commitment, CommitmentKind, ServiceRequest
from governance.models import Meeting
from ligeris.lib.demo_clock import PARIS
from partners.models import Consortium, Partner
from programme.models import Deliverable, Workstream
from tests.browser_fixtures import log_in
from titres.models import RevenueTitle, TitreState

pytestmark = pytest.mark.browser


def _refused_to(page, base, ligeris):
    """Ligeris's partner, titre and meeting pages answer 404 to another consortium's staff."""
    for url in (
        Partner.objects.filter(consortium=ligeris).first().get_absolute_url(),
        RevenueTitle.objects.filter(consortium=ligeris).first().get_absolute_url(),
        Meeting.objects.filter(body__consortium=ligeris).first().get_absolute_url(),
    ):
        response = page.goto(f"{base}{url}")
        assert response.status in (403, 404), url


def test_each_new_consortium_s_staff_does_its_job(transactional_db, live_server, page):
    call_command("load_demo", stdout=io.StringIO())
    consortia = {c.short_name: c for c in Consortium.objects.all()}
    ligeris = consortia["Ligeris"]
    base = live_server.url
    page.set_default_timeout(60_000)  # a loaded machine: the journey, not its speed, is tested

    # Cœur Côte Fleurie, in February 2027: the 2026 catalogue's vote recorded, then its titres.
    ccf = consortia["Cœur Côte Fleurie"]
    with time_machine.travel("2027-02-10 09:00 +01:00", tick=True):
        log_in(page, base, "finance@coeurcotefleurie.localhost", DEMO_PASSWORD)
        page.get_by_role("navigation").get_by_role("link", name="Catalogue").click()
        page.get_by_role("link", name="2026").click()
        page.get_by_role("link", name="Enregistrer le vote").click()
        # The vote of March 2026, recorded late: the catalogue of a year is voted in that year.
        page.get_by_label("Voté le").fill("2026-03-12")
        page.get_by_label("Délibération").fill("Délibération du conseil communautaire n° 2026-019")
        page.locator("main button[type=submit]").click()
        page.get_by_text("Le vote du catalogue est enregistré").wait_for()
        assert Catalogue.objects.get(consortium=ccf, year=2026).voted_on is not None
        page.goto(f"{base}/catalogue/facturation/")
        page.get_by_label("Date d'émission").fill("2027-04-01")
        page.locator("main button[type=submit]").click()
        assert page.get_by_text("le 01/04/2027 est hors de cette période").is_visible()
        assert not RevenueTitle.objects.filter(consortium=ccf, state=TitreState.DRAFT).exists()
        page.get_by_label("Date d'émission").fill("2027-02-10")
        page.locator("main button[type=submit]").click()
        page.wait_for_url(f"{base}/finances/titres/bordereaux/**")
        drafts = RevenueTitle.objects.filter(consortium=ccf, state=TitreState.DRAFT)
        assert sorted(drafts.values_list("debtor__short_name", flat=True)) == [
            "Trouville-sur-Mer",
            "Villers-sur-Mer",
        ]
        page.get_by_role("button", name="Émettre le bordereau").click()
        page.get_by_role("button", name="Confirmer : émettre le bordereau").click()
        page.wait_for_selector("#batch-progress[data-done='true']", timeout=60_000)
        titre = RevenueTitle.objects.get(
            consortium=ccf, issued_on__year=2027, debtor__short_name="Trouville-sur-Mer"
        )
        assert titre.state == TitreState.ISSUED and titre.heading == "Titre annuel (terme échu)"
        page.goto(f"{base}{titre.get_absolute_url()}")
        assert page.get_by_role("heading", name="Titre annuel (terme échu)").first.is_visible()
        _refused_to(page, base, ligeris)
    page.context.clear_cookies()

    # GIP RECIA: a request received on a Monday, taken in the day; the month's report counts it.
    recia = consortia["GIP RECIA"]
    log_in(page, base, "finance@recia.localhost", DEMO_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Engagements de service").click()
    page.get_by_role("link", name="Enregistrer une demande").click()
    chambord = Partner.objects.get(consortium=recia, short_name="Grand Chambord")
    page.get_by_label("Membre").select_option(str(chambord.pk))
    support = Commitment.objects.get(consortium=recia, kind=CommitmentKind.SUPPORT, service=None)
    page.get_by_label("Engagement").select_option(str(support.pk))
    page.get_by_label("Objet").fill("Parapheur inaccessible")
    page.get_by_label("Reçue le").fill("2026-11-02T09:00")
    page.get_by_label("Traitée le").fill("2026-11-02T11:30")
    page.locator("main button[type=submit]").click()
    assert page.get_by_text("La demande est enregistrée.").is_visible()
    request = ServiceRequest.objects.get(consortium=recia, subject="Parapheur inaccessible")
    assert request.received_at.astimezone(PARIS).hour == 9
    page.goto(f"{base}/engagements/rapport/?mois=2026-11")
    assert page.get_by_role("cell", name="Grand Chambord").first.is_visible()
    _refused_to(page, base, ligeris)
    page.context.clear_cookies()

    # Cergy-Pontoise: the secretary records a deliverable of the "Acculturation" workstream.
    cergy = consortia["Cergy-Pontoise"]
    workstream = Workstream.objects.get(consortium=cergy, name="Acculturation")
    log_in(page, base, "secretaire@cergypontoise.localhost", DEMO_PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Chantiers").click()
    page.get_by_role("link", name="Acculturation").click()
    page.get_by_role("link", name="Nouveau livrable").click()
    page.get_by_label("Livrable").fill("Kit de sensibilisation des agents d'Osny")
    page.get_by_label("Échéance").fill("2027-03-31")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/programme/chantiers/{workstream.pk}/")
    assert page.get_by_role(
        "cell", name="Kit de sensibilisation des agents d'Osny", exact=True
    ).is_visible()
    assert Deliverable.objects.filter(workstream=workstream, title__startswith="Kit").exists()
    _refused_to(page, base, ligeris)
