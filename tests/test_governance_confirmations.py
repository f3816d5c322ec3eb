"""Nothing irreversible on a single click: sending the convocation and closing the minutes first
show what will happen (the first POST changes nothing), then act on the confirmed POST. And what a
partner user sees of a meeting before its minutes are published."""

import datetime
import html

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from governance import tasks
from governance.models import ConvocationDelivery, DecisionKind, Meeting
from governance.services import meetings as meeting_services
from governance.services.bodies import seat_add
from partners.models import Partner, PartnerStatus
from tests.factories import PersonFactory
from tests.governance_fixtures import Snapshot, vote_all


def _future_meeting(copil):
    starts_at = timezone.now() + datetime.timedelta(days=30)
    meeting = meeting_services.meeting_schedule(
        body=copil.body, starts_at=starts_at, place_preposition="à l'", place="Hôtel de ville"
    )
    item = meeting_services.item_add(meeting=meeting, title="Budget 2027", kind="information")
    upload = SimpleUploadedFile("budget.pdf", b"%PDF-1.4 budget", "application/pdf")
    meeting_services.document_add(item=item, title="Projet de budget", file=upload)
    return meeting


def _page(response) -> str:
    return html.unescape(response.text)


# --- The convocation ----------------------------------------------------------------------------


def test_sending_the_convocation_shows_the_email_recipients_and_attachment_first(
    copil, client_for, django_capture_on_commit_callbacks
):
    meeting = _future_meeting(copil)
    client = client_for("secretary")
    url = reverse("governance:convocation_send", args=[meeting.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 200
    page = _page(response)
    day = f"{timezone.localdate(meeting.starts_at):%d/%m/%Y}"
    assert f"Convocation : Comité de pilotage du {day}" in page  # the e-mail's subject
    assert "La séance du Comité de pilotage se tiendra le" in page  # its text
    for seat in copil.seats.values():
        assert seat.person.email in page
    assert "convocation.ics" in page
    assert "Projet de budget" in page and "non joints" in page
    assert "Confirmer l'envoi aux 3 membres" in page
    assert mail.outbox == []
    assert not ConvocationDelivery.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).convened_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "Les convocations partent" in _page(response)
    assert len(mail.outbox) == 3
    assert [a[0] for a in mail.outbox[0].attachments] == ["convocation.ics"]
    assert timezone.localdate(Meeting.objects.get(pk=meeting.pk).convened_at) == (
        timezone.localdate()
    )


def test_the_summary_says_who_already_has_the_convocation(copil, world, client_for):
    meeting = _future_meeting(copil)
    tasks.send_convocation(meeting.pk)
    newcomer = PersonFactory(partner=world.partner_a, last_name="Nouvelle", role="archives")
    seat_add(body=copil.body, person=newcomer)
    response = client_for("secretary").post(
        reverse("governance:convocation_send", args=[meeting.pk])
    )
    page = _page(response)
    assert page.count("déjà convoqué le") == 3
    assert "Confirmer l'envoi à 1 membre" in page
    assert len(mail.outbox) == 3  # the earlier sending only


def test_a_convocation_that_cannot_leave_says_why_and_sends_nothing(
    copil, client_for, django_capture_on_commit_callbacks
):
    meeting = meeting_services.meeting_schedule(
        body=copil.body, starts_at=timezone.now() + datetime.timedelta(days=30), place="Tours"
    )
    client = client_for("secretary")
    url = reverse("governance:convocation_send", args=[meeting.pk])
    page = _page(client.post(url))
    assert "L'ordre du jour est vide : ajoutez-y au moins un point." in page
    assert 'name="confirmed"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "L'ordre du jour est vide" in _page(response)
    assert mail.outbox == []
    assert Meeting.objects.get(pk=meeting.pk).convened_at is None


# --- Closing the minutes ------------------------------------------------------------------------


def test_closing_the_minutes_shows_what_will_happen_first(copil, world, client_for):
    vote_all(copil.meeting, copil.decision)
    client = client_for("secretary")
    url = reverse("governance:minutes_close", args=[copil.meeting.pk])
    before = Snapshot.take()

    response = client.post(url)
    assert response.status_code == 200
    page = _page(response)
    assert "publié aux 3 partenaires qui siègent dans l'instance" in page
    assert "ne pourront plus changer" in page
    assert "Feuille de route 2026" in page and "Adoptée par consensus" in page
    assert "Confirmer : clore et publier le procès-verbal" in page
    assert Snapshot.take() == before
    assert not Meeting.objects.get(pk=copil.meeting.pk).is_closed

    response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "Le procès-verbal est clos et publié aux partenaires." in _page(response)
    assert Meeting.objects.get(pk=copil.meeting.pk).is_closed


def test_the_closing_summary_names_the_partner_an_admission_changes(
    committee_builder, world, client_for
):
    # In the world's consortium: the one its secretary works in.
    committee = committee_builder(
        consortium=world.consortium,
        deliberative=3,
        decision_kind=DecisionKind.ADMISSION,
        concerned=2,
    )
    committee.attend()
    vote_all(committee.meeting, committee.decision)
    candidate = committee.members[2].partner
    url = reverse("governance:minutes_close", args=[committee.meeting.pk])
    client = client_for("secretary")

    page = _page(client.post(url))
    assert f"{candidate} devient membre du groupement (admission adoptée)." in page
    assert Partner.objects.get(pk=candidate.pk).status == PartnerStatus.CANDIDATE

    client.post(url, {"confirmed": "1"})
    assert Partner.objects.get(pk=candidate.pk).status == PartnerStatus.MEMBER


def test_minutes_that_cannot_close_say_why(copil, client_for):
    client = client_for("secretary")
    url = reverse("governance:minutes_close", args=[copil.meeting.pk])
    page = _page(client.post(url))
    assert "Le point « Feuille de route 2026 » n'a pas été voté." in page
    assert 'name="confirmed"' not in page
    response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "n'a pas été voté" in _page(response)
    assert not Meeting.objects.get(pk=copil.meeting.pk).is_closed


# --- What partners see before the minutes are published -----------------------------------------


def test_partners_see_the_convocation_and_agenda_not_the_attendance_or_votes(
    copil, world, client_for
):
    vote_all(copil.meeting, copil.decision)
    tasks.send_convocation(copil.meeting.pk)
    giver = str(copil.people[world.partner_b.pk])  # excused, proxy to the coordinator
    url = copil.meeting.get_absolute_url()

    page = _page(client_for("partner_a").get(url))
    assert "Rapport d'activité" in page and "Feuille de route 2026" in page  # the agenda
    assert "Le COPIL adopte la feuille de route 2026." in page  # the motion
    assert "envoyée le" in page  # the convocation
    assert "Les présences et les votes sont publiés avec le procès-verbal." in page
    for hidden in (giver, "Excusés ayant donné pouvoir", "Adoptée par consensus", "Quorum"):
        assert hidden not in page, hidden
    assert "votes" not in page.split("Ordre du jour", 1)[1].split("</section>", 1)[0].lower()

    staff = _page(client_for("finance").get(url))  # the coordinator's staff see the record
    assert giver in staff and "Adoptée par consensus" in staff

    meeting_services.minutes_close(meeting=copil.meeting)
    page = _page(client_for("partner_a").get(url))
    assert giver in page and "Adoptée par consensus" in page and "Quorum" in page
