"""A secretary records a COPIL meeting from scheduling to closed minutes; a partner reads them.

Headless Debian Chromium through Playwright, against the live server.
"""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from governance.models import BodyKind, Decision, Meeting, Vote
from governance.services.bodies import body_create, seat_add
from governance.services.meetings import item_add, meeting_schedule
from tests.browser_fixtures import ARTIFACTS, log_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def bodies(world):
    """A COPIL where the coordinator, A and B sit; a COTECH where partner A does not sit."""
    copil = body_create(
        consortium=world.consortium,
        kind=BodyKind.STEERING,
        name="Comité de pilotage",
        short_name="COPIL",
    )
    people = {}
    for partner, last_name in (
        (world.coordinator, "Lemoine"),
        (world.partner_a, "Marchand"),
        (world.partner_b, "Besnard"),
    ):
        people[partner.pk] = PersonFactory(partner=partner, last_name=last_name, role="dgs")
        seat_add(body=copil, person=people[partner.pk])
    cotech = body_create(
        consortium=world.consortium,
        kind=BodyKind.TECHNICAL,
        name="Comité technique",
        short_name="COTECH",
    )
    seat_add(body=cotech, person=PersonFactory(partner=world.partner_b, role="dsi"))
    cotech_meeting = meeting_schedule(
        body=cotech, starts_at=timezone.now() + datetime.timedelta(days=20), place="Blois"
    )
    item_add(meeting=cotech_meeting, title="Planning", kind="information")
    return copil, cotech_meeting, people


def test_secretary_records_a_copil_and_a_partner_reads_the_minutes(
    transactional_db, live_server, world, users, bodies, page
):
    copil, cotech_meeting, people = bodies
    base = live_server.url
    log_in(page, base, users["secretary"].email)

    # Schedule the meeting (three days ago: the minutes are closed once it has been held).
    page.goto(f"{base}/gouvernance/instances/{copil.pk}/")
    page.get_by_role("link", name="Programmer une séance").click()
    held_at = timezone.localtime() - datetime.timedelta(days=3)
    page.get_by_label("Date et heure").fill(held_at.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Introduction du lieu").fill("à l'")
    page.get_by_label("Lieu", exact=True).fill("Hôtel du Département, Tours")
    page.get_by_label("Président de séance", exact=True).select_option(
        label=str(people[world.coordinator.pk])
    )
    page.get_by_label("Secrétaire de séance").select_option(label=str(people[world.coordinator.pk]))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}/gouvernance/seances/*/")
    meeting = Meeting.objects.get(body=copil)

    # One decision item on the agenda.
    page.get_by_role("link", name="Ajouter un point").click()
    page.get_by_label("Intitulé").fill("Feuille de route 2026")
    page.get_by_label("Nature").select_option("decision")
    page.get_by_label("Proposition soumise au vote").fill("Le comité adopte la feuille de route.")
    page.get_by_label("Objet de la décision").select_option("strategy")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{meeting.get_absolute_url()}")

    # Attendance: A present, the coordinator present, B excused with a proxy to the coordinator.
    page.get_by_role("link", name="Présences et pouvoirs").click()
    seats = {seat.partner_id: seat for seat in copil.seats.all()}
    b_seat, coordinator_seat = seats[world.partner_b.pk], seats[world.coordinator.pk]
    page.locator(f"select[name=status_{b_seat.pk}]").select_option("proxy")
    page.locator(f"select[name=proxy_{b_seat.pk}]").select_option(str(coordinator_seat.pk))
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{meeting.get_absolute_url()}")
    assert page.get_by_text("Les présences ont été enregistrées.").is_visible()

    # Votes: blois and cd37 deployed (deliberative), agglo and blaisois advisory.
    page.get_by_role("link", name="Enregistrer les votes").click()
    for tenant, choice in (
        (world.tenant_a, "for"),
        (world.tenant_coordinator, "for"),
        (world.tenant_b, "against"),
        (world.tenant_shared, "abstain"),
    ):
        page.locator(f"select[name=choice_{tenant.pk}]").select_option(choice)
    # B's tenant speaks through the coordinator's representative, holder of B's proxy.
    assert "pouvoir de" in page.locator(f"select[name=voice_{world.tenant_b.pk}]").inner_text()
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{base}{meeting.get_absolute_url()}")
    decision = Decision.objects.get(item__meeting=meeting)
    assert decision.result == "consensus"  # the advisory "against" changes nothing
    assert Vote.objects.filter(decision=decision, is_advisory=True).count() == 2

    # Close the minutes (the summary first, then the confirmation) and download the PDF.
    page.get_by_role("button", name="Clore le procès-verbal").click()
    assert page.get_by_text("ne pourront plus changer").is_visible()
    assert Meeting.objects.get(pk=meeting.pk).minutes_closed_at is None
    page.get_by_role("button", name="Confirmer : clore et publier le procès-verbal").click()
    page.wait_for_url(f"{base}{meeting.get_absolute_url()}")
    assert page.get_by_text("Le procès-verbal est clos").first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le procès-verbal (PDF)").click()
    pdf = download_info.value
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(_read(pdf))).pages)
    assert "Procès-verbal — Comité de pilotage" in text
    assert "Adoptée par consensus" in text
    assert "pouvoir à" in text
    assert "s'est réuni à l'Hôtel du Département" in " ".join(text.split())
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "governance_meeting.png"), full_page=True)

    # A partner user of A sees the published minutes, not B's COTECH.
    page.context.clear_cookies()
    log_in(page, base, users["partner_a"].email)
    page.get_by_role("navigation").get_by_role("link", name="Séances").click()
    page.get_by_role(
        "link", name=timezone.localtime(meeting.starts_at).strftime("%d/%m/%Y")
    ).click()
    assert page.get_by_text("Adoptée par consensus").is_visible()
    response = page.request.get(f"{base}/gouvernance/seances/{meeting.pk}/proces-verbal.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    response = page.goto(f"{base}{cotech_meeting.get_absolute_url()}")
    assert response.status == 404


def _read(download) -> bytes:
    with open(download.path(), "rb") as handle:
        return handle.read()
