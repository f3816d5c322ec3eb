"""The partnership programme (seeds 001/003): workstreams, deliverables and the COPIL's follow-up,
the rotating secretariat, guests without a vote, audio recordings, a consortium without costs."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from governance.services import meetings as meeting_services
from governance.vote_base import vote_base
from ligeris.lib.audio import sniff_audio
from partners.models import BillingMode, Consortium
from programme import selectors
from programme.models import (
    Deliverable,
    DeliverableStatus,
    GuestKind,
    MeetingRecording,
    ObjectivesStatus,
    WorkstreamReview,
)
from programme.services import meetings as services
from programme.services import workstreams as workstream_services
from programme.services.workstreams import ReviewEntry
from tests.factories import PartnerFactory
from tests.governance_fixtures import vote_all
from tests.portal_fixtures import pdf_upload
from tests.programme_matrix import MP3_BYTES, workstream


def _meeting(copil, days: int):
    return meeting_services.meeting_schedule(
        body=copil.body,
        starts_at=copil.meeting.starts_at + datetime.timedelta(days=days),
        place="Hôtel d'agglomération, Cergy",
    )


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("-\n", "-").split())


# --- The rotating secretariat -------------------------------------------------------------


def test_the_rota_proposes_partners_in_turn_and_an_override_moves_the_turn(world, copil):
    for partner in (world.coordinator, world.partner_a, world.partner_b):
        services.rota_add(consortium=world.consortium, partner=partner)
    first, second, third, fourth = (
        copil.meeting,
        _meeting(copil, 30),
        _meeting(copil, 60),
        _meeting(copil, 90),
    )
    # Nobody has held it yet: the first of the rota.
    assert selectors.secretariat_proposal(first).partner == world.coordinator
    services.secretariat_set(meeting=first, partner=world.coordinator)
    assert selectors.secretariat_proposal(second).partner == world.partner_a
    # The secretary overrides: B holds the second meeting, the rota's A is kept as proposed.
    held = services.secretariat_set(meeting=second, partner=world.partner_b)
    assert held.is_override and held.proposed == world.partner_a
    # The turn follows who held it: after B, back to the start.
    assert selectors.secretariat_proposal(third).partner == world.coordinator
    services.secretariat_set(meeting=third, partner=world.coordinator)
    assert selectors.secretariat_proposal(fourth).partner == world.partner_a
    # A meeting earlier than all of them still proposes from its own past: the first.
    assert selectors.secretariat_proposal(_meeting(copil, -30)).partner == world.coordinator


def test_the_rota_refuses_a_partner_twice_or_of_another_consortium(world):
    services.rota_add(consortium=world.consortium, partner=world.partner_a)
    with pytest.raises(ValidationError, match="déjà dans le tour de rôle"):
        services.rota_add(consortium=world.consortium, partner=world.partner_a)
    outsider = PartnerFactory(consortium=Consortium.objects.create(name="CACP", short_name="CACP"))
    with pytest.raises(ValidationError, match="pas membre du groupement"):
        services.rota_add(consortium=world.consortium, partner=outsider)


def test_the_meeting_shows_the_proposal_and_the_secretary_overrides_it(world, copil, client_for):
    services.rota_add(consortium=world.consortium, partner=world.partner_a)
    services.rota_add(consortium=world.consortium, partner=world.partner_b)
    client = client_for("secretary")
    page = client.get(copil.meeting.get_absolute_url()).text
    assert "Proposé par le tour de rôle : Ville de Blois" in page
    url = reverse("programme:secretariat", args=[copil.meeting.pk])
    response = client.post(url, {"partner": world.partner_b.pk})
    assert response.status_code == 302
    page = client.get(copil.meeting.get_absolute_url()).text
    assert "Secrétariat assuré par Agglopolys" in page
    assert "au lieu de Ville de Blois" in page


# --- Guests -------------------------------------------------------------------------------


def test_guests_are_in_the_minutes_and_never_in_a_vote_base(world, copil, client_for):
    before = vote_base(copil.meeting)
    voters_before = [(v.tenant.pk, [x.partner_id for x in v.voices]) for v in before.voters()]
    quorum_before = before.quorum()
    services.guest_add(
        meeting=copil.meeting,
        kind=GuestKind.ELECTED,
        name="Jean-Michel Levesque",
        title="Maire d'Osny",
    )
    services.guest_add(
        meeting=copil.meeting,
        kind=GuestKind.OUTSIDE,
        name="Camille Roux",
        organisation="Archives départementales du Val-d'Oise",
    )
    after = vote_base(copil.meeting)
    assert [(v.tenant.pk, [x.partner_id for x in v.voices]) for v in after.voters()] == (
        voters_before
    )
    assert after.quorum() == quorum_before
    # Voted and closed: the decision's tally counts tenants only, the guests are listed apart.
    vote_all(copil.meeting, copil.decision)
    meeting_services.minutes_close(meeting=copil.meeting)
    response = client_for("partner_a").get(
        reverse("governance:minutes_pdf", args=[copil.meeting.pk])
    )
    text = _pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert "Invités, sans voix délibérative (2)" in text
    assert "Jean-Michel Levesque, Maire d'Osny (élu du territoire)" in text
    assert "Camille Roux" in text
    page = client_for("partner_a").get(copil.meeting.get_absolute_url()).text
    assert "Jean-Michel Levesque" in page


def test_a_guest_cannot_be_added_to_closed_minutes(world, copil):
    vote_all(copil.meeting, copil.decision)
    meeting_services.minutes_close(meeting=copil.meeting)
    with pytest.raises(ValidationError, match="clos"):
        services.guest_add(meeting=copil.meeting, kind=GuestKind.ELECTED, name="Élu")


# --- Deliverables and the COPIL's follow-up -------------------------------------------------


def test_a_deliverable_upload_that_is_not_a_pdf_is_refused_and_changes_nothing(
    world, client_for, settings
):
    deliverable = workstream_services.deliverable_create(
        workstream=workstream(world),
        title="Guide méthodologique",
        due_on=datetime.date(2026, 6, 30),
    )
    client = client_for("secretary")
    url = reverse("programme:deliverable_update", args=[deliverable.pk])
    fields = {"title": "Guide", "due_on": "2026-06-30", "status": "delivered", "delivered_on": ""}
    fake = SimpleUploadedFile("guide.pdf", b"PK\x03\x04 not a pdf", "application/pdf")
    response = client.post(url, {**fields, "document": fake})
    assert response.status_code == 200
    assert "Le fichier n&#x27;est pas un PDF" in response.text
    deliverable.refresh_from_db()
    assert (deliverable.title, deliverable.status, deliverable.document.name) == (
        "Guide méthodologique",
        DeliverableStatus.PLANNED,
        "",
    )
    settings.PROGRAMME_DELIVERABLE_MAX_BYTES = 100
    response = client.post(url, {**fields, "document": pdf_upload("guide.pdf")})
    assert "Le fichier dépasse" in response.text
    assert Deliverable.objects.get(pk=deliverable.pk).status == DeliverableStatus.PLANNED


def test_a_deliverable_delivered_keeps_its_pdf_and_its_hash(world, client_for):
    deliverable = workstream_services.deliverable_create(
        workstream=workstream(world), title="Guide", due_on=datetime.date(2026, 6, 30)
    )
    client = client_for("finance")
    url = reverse("programme:deliverable_update", args=[deliverable.pk])
    fields = {"title": "Guide", "due_on": "2026-06-30", "status": "delivered", "delivered_on": ""}
    response = client.post(url, {**fields, "document": pdf_upload("guide.pdf")})
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert deliverable.delivered_on is not None  # marked delivered without a date: today
    assert len(deliverable.document_sha256) == 64 and deliverable.document_pages == 1
    download = client_for("partner_b").get(
        reverse("programme:deliverable_document", args=[deliverable.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_progress_is_the_mean_of_the_deliverables_cancelled_ones_left_out(world):
    ws = workstream(world)
    due = datetime.date(2026, 6, 30)
    statuses = [
        DeliverableStatus.DELIVERED,
        DeliverableStatus.IN_PROGRESS,
        DeliverableStatus.PLANNED,
        DeliverableStatus.CANCELLED,
    ]
    for status in statuses:
        d = workstream_services.deliverable_create(workstream=ws, title=status, due_on=due)
        workstream_services.deliverable_update(
            deliverable=d, title=d.title, due_on=due, status=status, delivered_on=None
        )
    assert selectors.progress_of(ws.deliverables.all()) == 50  # (100 + 50 + 0) / 3
    page = selectors.workstream_page(ws, datetime.date(2026, 7, 1))
    assert page["late_count"] == 2  # in progress and planned, past due; delivered and cancelled not


def test_the_copil_follow_up_is_on_the_meeting_page_and_in_the_minutes(world, copil, client_for):
    ws = workstream(world)
    other = workstream(world, name="Prototypage")
    client = client_for("secretary")
    url = reverse("programme:review_sheet", args=[copil.meeting.pk])
    page = client.get(url).text
    assert "Catalogage" in page and "Prototypage" in page
    response = client.post(
        url,
        {
            f"w{ws.pk}-progress": "40",
            f"w{ws.pk}-objectives": ObjectivesStatus.REVISED,
            f"w{ws.pk}-objectives_note": "Recensement reporté à juin",
            f"w{ws.pk}-resources": "Deux archivistes",
            f"w{ws.pk}-staff_days": "12,5",
        },
    )
    assert response.status_code == 302
    review = WorkstreamReview.objects.get()  # the blank line of the other one is not recorded
    assert (review.workstream, review.progress, str(review.staff_days)) == (ws, 40, "12.5")
    assert not WorkstreamReview.objects.filter(workstream=other).exists()
    page = client.get(copil.meeting.get_absolute_url()).text
    assert "Recensement reporté à juin" in page
    # A line half filled is refused, and nothing of the sheet is written.
    response = client.post(url, {f"w{other.pk}-resources": "Un juriste"})
    assert response.status_code == 200
    assert "Indiquez l&#x27;avancement" in response.text
    assert WorkstreamReview.objects.count() == 1
    vote_all(copil.meeting, copil.decision)
    meeting_services.minutes_close(meeting=copil.meeting)
    pdf = client.get(reverse("governance:minutes_pdf", args=[copil.meeting.pk]))
    text = _pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content)
    assert "Suivi des chantiers" in text and "Catalogage 40 %" in text
    with pytest.raises(ValidationError, match="clos"):
        workstream_services.reviews_record(
            meeting=copil.meeting,
            entries=[ReviewEntry(workstream=ws, progress=90, objectives=ObjectivesStatus.MET)],
        )


def test_only_a_steering_committee_follows_the_workstreams(world, copil, client_for):
    ws = workstream(world)
    with pytest.raises(ValidationError, match="comité de pilotage"):
        workstream_services.reviews_record(
            meeting=copil.cotech_meeting,
            entries=[ReviewEntry(workstream=ws, progress=10, objectives=ObjectivesStatus.MET)],
        )
    url = reverse("programme:review_sheet", args=[copil.cotech_meeting.pk])
    assert client_for("secretary").get(url).status_code == 404


def test_a_partner_of_another_consortium_sees_none_of_its_workstreams(world, users, client):
    ws = workstream(world)
    other = Consortium.objects.create(name="Partenariat SAE de Cergy-Pontoise", short_name="CACP")
    osny = PartnerFactory(consortium=other, name="Ville d'Osny", short_name="Osny")
    user = users["partner_a"]
    user.partner = osny
    user.save()
    client.force_login(user)
    assert client.get(ws.get_absolute_url()).status_code == 404
    assert "Catalogage" not in client.get(reverse("programme:workstream_list")).text


# --- Audio recordings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (MP3_BYTES, "mp3"),
        (b"\xff\xfb\x90\x64" + b"\x00" * 16, "mp3"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis", "ogg"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"OpusHead", "opus"),
        (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00", "m4a"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "wav"),
        (b"%PDF-1.7", None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"RIFF\x24\x08\x00\x00AVI LIST", None),
        (b"", None),
    ],
)
def test_audio_is_known_by_its_first_bytes(head, expected):
    assert sniff_audio(head) == expected


def test_an_audio_upload_not_audio_or_too_large_is_refused(world, copil, client_for, settings):
    client = client_for("secretary")
    url = reverse("programme:recording_create", args=[copil.meeting.pk])
    fake = SimpleUploadedFile("seance.mp3", b"%PDF-1.4 renamed", "audio/mpeg")
    response = client.post(url, {"title": "Séance", "file": fake})
    assert response.status_code == 200
    assert "n&#x27;est pas un enregistrement audio" in response.text
    settings.PROGRAMME_AUDIO_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("seance.mp3", MP3_BYTES + b"\x00" * (1024 * 1024), "audio/mpeg")
    response = client.post(url, {"title": "Séance", "file": big})
    assert "Le fichier dépasse 1 Mo" in response.text
    assert not MeetingRecording.objects.exists()
    ok = SimpleUploadedFile("seance.mp3", MP3_BYTES, "application/octet-stream")
    assert client.post(url, {"title": "Séance", "file": ok}).status_code == 302
    assert MeetingRecording.objects.get().audio_format == "mp3"


def test_partners_download_the_recording_with_the_published_minutes(world, copil, client_for):
    upload = SimpleUploadedFile("seance.mp3", MP3_BYTES, "audio/mpeg")
    recording = services.recording_add(meeting=copil.meeting, title="Séance", file=upload)
    url = reverse("programme:recording_download", args=[recording.pk])
    assert client_for("partner_a").get(url).status_code == 404
    assert url not in client_for("partner_a").get(copil.meeting.get_absolute_url()).text
    vote_all(copil.meeting, copil.decision)
    meeting_services.minutes_close(meeting=copil.meeting)
    page = client_for("partner_a").get(copil.meeting.get_absolute_url()).text
    assert url in page
    response = client_for("partner_a").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "audio/mpeg"
    assert b"".join(response.streaming_content) == MP3_BYTES


# --- The meeting page's queries -----------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_meeting_page_reads_as_many_queries_with_ten_times_the_guests_and_reviews(
    world, copil, client_for
):
    client = client_for("secretary")
    url = copil.meeting.get_absolute_url()

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            services.guest_add(meeting=copil.meeting, kind=GuestKind.OUTSIDE, name=f"Invité {i}")
            ws = workstream(world, name=f"Chantier {i}")
            workstream_services.reviews_record(
                meeting=copil.meeting,
                entries=[ReviewEntry(workstream=ws, progress=i, objectives=ObjectivesStatus.MET)],
            )

    add(1, 0)
    small = _queries(client, url)
    add(9, 1)
    assert _queries(client, url) == small


# --- A consortium without cost sharing ----------------------------------------------------


@pytest.mark.parametrize("role", ["finance", "partner_a", "admin"])
def test_a_consortium_that_shares_no_costs_hides_cost_sharing_and_its_pages_still_open(
    world, client_for, role
):
    # A partnership (seeds 001/003): no cost sharing, no billing at all.
    Consortium.objects.filter(pk=world.consortium.pk).update(
        shares_costs=False, billing_mode=BillingMode.NONE
    )
    client = client_for(role)
    home = client.get(reverse("home"))
    assert home.status_code == 200
    nav = home.text.split('class="site-nav"')[1].split("</nav>")[0]
    assert "Répartition des coûts" not in nav and "Titres de recette" not in nav
    assert "Mes quotes-parts" not in nav and "Bons de commande" not in nav
    assert "Tenants" not in nav and "Mes titres" not in nav
    assert "Chantiers" in nav
    for name in ("programme:workstream_list", "governance:meeting_list", "partners:consortium"):
        assert client.get(reverse(name)).status_code == 200, name
    if role != "partner_a":  # no grid, no pool, no fiscal year: the page says so, no error
        assert client.get(reverse("billing:index")).status_code == 200


@pytest.mark.parametrize("role", ["finance", "partner_a"])
def test_a_catalogue_consortium_shows_its_titres_and_catalogue_not_cost_sharing(
    world, client_for, role
):
    Consortium.objects.filter(pk=world.consortium.pk).update(
        shares_costs=False, billing_mode=BillingMode.CATALOGUE
    )
    home = client_for(role).get(reverse("home"))
    nav = home.text.split('class="site-nav"')[1].split("</nav>")[0]
    assert ("Titres de recette" if role == "finance" else "Mes titres") in nav
    assert ("Catalogue" if role == "finance" else "Mes abonnements") in nav
    assert "Répartition des coûts" not in nav and "Mes quotes-parts" not in nav
    assert "Tenants" not in nav and "Bons de commande" not in nav
    assert "Chantiers" not in nav  # workstreams belong to a partnership programme
    assert "Voir les tenants" not in home.text and "Mes tenants" not in home.text


def test_a_consortium_that_shares_costs_keeps_its_entries(world, client_for):
    nav = client_for("finance").get(reverse("home")).text.split('class="site-nav"')[1]
    assert "Répartition des coûts" in nav.split("</nav>")[0]
    assert "Chantiers" not in nav.split("</nav>")[0]


def test_the_titres_filter_names_the_year_a_catalogue_bills(world, client_for):
    url = reverse("billing:titre_list")
    assert "Exercice de la répartition" in client_for("finance").get(url).text
    Consortium.objects.filter(pk=world.consortium.pk).update(
        shares_costs=False, billing_mode=BillingMode.CATALOGUE
    )
    page = client_for("finance").get(url).text
    assert "Exercice des services facturés" in page and "de la répartition" not in page
