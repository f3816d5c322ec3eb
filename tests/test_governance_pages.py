"""Governance pages through the test client: forms, refusals, exports, the minutes PDF, scoping."""

import datetime
import html
import io

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from governance.models import (
    Action,
    AgendaDocument,
    Attendance,
    Body,
    BodyKind,
    ClosedYear,
    Decision,
    Meeting,
    Vote,
)
from governance.services import meetings as meeting_services
from governance.services.bodies import year_close
from tests.governance_fixtures import vote_all


def _close(copil, world):
    vote_all(copil.meeting, copil.decision)
    return meeting_services.minutes_close(meeting=copil.meeting)


def _pdf_text(content: bytes) -> str:
    """The PDF's text with its line breaks folded into single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    # A compound name broken at its hyphen ("Indre-\net-Loire") reads whole again.
    return " ".join(text.replace("-\n", "-").split())


def test_attendance_form_refuses_a_proxy_to_an_absent_member(copil, world, client_for):
    client = client_for("secretary")
    seats = copil.seats
    a, b, c = seats[world.partner_a.pk], seats[world.partner_b.pk], seats[world.coordinator.pk]
    before = list(Attendance.objects.values_list("seat_id", "status", "proxy_to_id"))
    data = {
        f"status_{c.pk}": "absent",
        f"status_{a.pk}": "present",
        f"status_{b.pk}": "proxy",
        f"proxy_{b.pk}": str(c.pk),
    }
    response = client.post(reverse("governance:attendance", args=[copil.meeting.pk]), data)
    assert response.status_code == 200
    assert "qui n'est pas présent" in html.unescape(response.text)
    assert "Les présences n'ont pas été enregistrées" in html.unescape(response.text)
    after = list(Attendance.objects.values_list("seat_id", "status", "proxy_to_id"))
    assert after == before


def test_vote_sheet_records_votes_and_shows_the_rule(copil, world, client_for):
    client = client_for("secretary")
    coordinator_seat = copil.seats[world.coordinator.pk]
    a_seat = copil.seats[world.partner_a.pk]
    data = {
        f"choice_{world.tenant_a.pk}": "for",
        f"voice_{world.tenant_a.pk}": str(a_seat.pk),
        f"choice_{world.tenant_coordinator.pk}": "against",
        f"voice_{world.tenant_coordinator.pk}": str(coordinator_seat.pk),
    }
    response = client.post(reverse("governance:votes", args=[copil.item.pk]), data)
    assert response.status_code == 302
    decision = Decision.objects.get(pk=copil.decision.pk)
    # 1 for, 1 against on the votes-cast base: 1 × 3 = 3 < 2 × 2 = 4.
    assert (decision.result, decision.votes_for, decision.votes_against) == ("rejected", 1, 1)
    assert "3 < 2 × 2 = 4" in decision.rule


def test_vote_sheet_refuses_a_voice_that_cannot_speak_for_the_tenant(copil, world, client_for):
    client = client_for("secretary")
    a_seat = copil.seats[world.partner_a.pk]
    data = {  # A's representative cannot vote for the coordinator's tenant
        f"choice_{world.tenant_coordinator.pk}": "for",
        f"voice_{world.tenant_coordinator.pk}": str(a_seat.pk),
    }
    response = client.post(reverse("governance:votes", args=[copil.item.pk]), data)
    assert response.status_code == 200
    assert "Select a valid choice" not in response.text
    page = html.unescape(response.text)
    assert "Ce membre ne peut exprimer la voix de ce tenant." in page
    assert not Vote.objects.exists()


def test_meeting_in_a_closed_year_is_refused_by_the_form(copil, world, client_for):
    year_close(consortium=world.consortium, year=2025)
    count = Meeting.objects.count()
    response = client_for("secretary").post(
        reverse("governance:meeting_create", args=[copil.body.pk]),
        {"starts_at": "2025-06-12T10:00", "place": "Tours"},
    )
    assert response.status_code == 200
    assert "L&#x27;année 2025 est close" in response.text
    assert Meeting.objects.count() == count


def test_closing_a_year_twice_says_so(world, client_for):
    client = client_for("secretary")
    client.post(reverse("governance:year_close"), {"year": "2024"})
    response = client.post(reverse("governance:year_close"), {"year": "2024"}, follow=True)
    assert "L&#x27;année 2024 est déjà close." in response.text
    assert ClosedYear.objects.count() == 1


def test_convocation_is_sent_with_a_short_notice_warning(
    copil, world, client_for, django_capture_on_commit_callbacks
):
    meeting = meeting_services.meeting_schedule(
        body=copil.body,
        starts_at=datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3),
        place="Tours",
    )
    meeting_services.item_add(meeting=meeting, title="Budget", kind="information")
    client = client_for("secretary")
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("governance:convocation_send", args=[meeting.pk])
        response = client.post(url, {"confirmed": "1"}, follow=True)
    assert "Les convocations partent" in response.text
    assert "plus court que celui de l&#x27;instance (15 jours)" in response.text
    assert len(mail.outbox) == 3  # eager Celery: one per seat
    assert Meeting.objects.get(pk=meeting.pk).convened_at is not None


def test_document_upload_refuses_an_executable(copil, client_for):
    upload = SimpleUploadedFile("rapport.exe", b"MZ...", "application/octet-stream")
    response = client_for("secretary").post(
        reverse("governance:document_create", args=[copil.item.pk]),
        {"title": "Rapport", "file": upload},
    )
    assert response.status_code == 200
    assert "Format refusé" in response.text
    assert not AgendaDocument.objects.exists()


def test_minutes_are_published_to_partners_only_once_closed(copil, world, client_for):
    url = reverse("governance:minutes_pdf", args=[copil.meeting.pk])
    assert client_for("partner_a").get(url).status_code == 404
    decisions = client_for("partner_a").get(reverse("governance:decision_list"))
    assert "Feuille de route 2026" not in decisions.text
    _close(copil, world)
    response = client_for("partner_a").get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    decisions = client_for("partner_a").get(reverse("governance:decision_list"))
    assert "Feuille de route 2026" in decisions.text


def test_minutes_pdf_carries_the_record_of_the_meeting(copil, world, client_for):
    _close(copil, world)
    response = client_for("secretary").get(
        reverse("governance:minutes_pdf", args=[copil.meeting.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    coordinator = copil.people[world.coordinator.pk]
    b_person = copil.people[world.partner_b.pk]
    for expected in (
        "Procès-verbal — Comité de pilotage",
        "Séance du mardi 10 mars 2026",
        "Hôtel du Département, Tours",
        f"sous la présidence de {coordinator}",
        "Présents (2) :",
        f"{b_person} (Agglopolys), excusé, a donné pouvoir à {coordinator} (Indre-et-Loire)",
        f"Le secrétaire de séance : {coordinator}",
        "Quorum :",
        "1. Rapport d'activité",
        "2. Feuille de route 2026",
        "Adoptée par consensus",
        "Règle appliquée : Consensus",
        "Avis consultatifs",  # agglo and blaisois are not deployed
    ):
        assert expected in text, expected


def test_decision_register_exports_xlsx_and_csv(copil, world, client_for):
    _close(copil, world)
    client = client_for("finance")
    response = client.get(reverse("governance:decision_list"), {"_export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert "Feuille de route 2026" in rows[1]
    assert "Adoptée par consensus" in rows[1]
    response = client.get(reverse("governance:decision_list"), {"_export": "csv", "q": "route"})
    assert "Feuille de route 2026" in response.content.decode()
    response = client.get(reverse("governance:decision_list"), {"q": "introuvable"})
    assert "Aucune décision ne correspond" in response.text


def test_working_group_is_created_by_an_adopted_cotech_decision(copil, world, client_for):
    cotech_meeting = copil.cotech_meeting
    item = meeting_services.item_add(
        meeting=cotech_meeting,
        title="Groupe plan de classement",
        kind="decision",
        motion="Le COTECH crée un groupe de travail.",
        decision_kind="other",
    )
    seats = list(copil.cotech.seats.all())
    meeting_services.attendance_record(
        meeting=cotech_meeting,
        entries=[meeting_services.AttendanceEntry(s, "present") for s in seats],
    )
    vote_all(cotech_meeting, item.decision)
    member = seats[0].person
    response = client_for("secretary").post(
        reverse("governance:working_group_create", args=[item.decision.pk]),
        {
            "name": "Groupe de travail plan de classement",
            "short_name": "GT classement",
            "mandate": "Proposer un plan de classement commun.",
            "mandate_ends_on": "2027-06-30",
            "members": [member.pk],
        },
    )
    assert response.status_code == 302
    group = Body.objects.get(kind=BodyKind.WORKING_GROUP)
    assert group.created_by == item.decision
    assert list(group.seats.values_list("person", flat=True)) == [member.pk]


def test_working_group_needs_a_cotech_decision(copil, client_for):
    response = client_for("secretary").post(
        reverse("governance:working_group_create", args=[copil.decision.pk]),
        {
            "name": "GT",
            "short_name": "GT",
            "mandate": "x",
            "mandate_ends_on": "2027-01-01",
            "members": [copil.body.seats.first().person_id],
        },
    )
    assert response.status_code == 200
    assert "Seul le COTECH crée et mandate un groupe de travail." in response.text
    assert not Body.objects.filter(kind=BodyKind.WORKING_GROUP).exists()


def test_action_plan_lists_overdue_actions(copil, world, client_for):
    owner = copil.people[world.partner_a.pk]
    meeting_services.action_create(
        item=copil.item, title="Action en retard", owner=owner, due_on=datetime.date(2020, 1, 1)
    )
    meeting_services.action_create(
        item=copil.item, title="Action à venir", owner=owner, due_on=datetime.date(2099, 1, 1)
    )
    response = client_for("finance").get(reverse("governance:action_list"))
    assert "1 action en retard" in response.text
    response = client_for("finance").get(reverse("governance:action_list"), {"overdue": "true"})
    table = response.text.split("<table", 1)[1]
    assert "Action en retard" in table and "Action à venir" not in table
    action = Action.objects.get(title="Action en retard")
    client_for("secretary").post(
        reverse("governance:action_update", args=[action.pk]),
        {"title": action.title, "owner": owner.pk, "due_on": "2020-01-01", "status": "done"},
    )
    action.refresh_from_db()
    assert action.status == "done" and action.done_on is not None


@pytest.mark.parametrize("role", ["finance", "secretary"])
def test_frequency_dashboard_shows_bodies_behind(copil, client_for, role):
    response = client_for(role).get(reverse("governance:frequency"), {"annee": "2026"})
    assert response.status_code == 200
    assert "Comité technique" in response.text
    # The COTECH held one meeting of its three: two are missing.
    assert "2 séances manquantes" in response.text


def test_partner_meeting_list_shows_only_bodies_where_it_sits(copil, world, client_for):
    response = client_for("partner_b").get(reverse("governance:meeting_list"))
    assert "Comité de pilotage" in response.text
    assert "Comité technique" not in response.text
    response = client_for("partner_a").get(reverse("governance:meeting_list"))
    assert "Comité technique" in response.text


@pytest.mark.parametrize("name", ["attendance", "item_create", "meeting_update"])
def test_forms_of_a_closed_meeting_send_back_to_it(copil, world, client_for, name):
    _close(copil, world)
    response = client_for("secretary").get(
        reverse(f"governance:{name}", args=[copil.meeting.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == copil.meeting.get_absolute_url()
    assert "elle ne peut plus changer" in response.text


def test_a_year_closes_only_once_finished_and_with_its_minutes_closed(copil, world):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    with pytest.raises(ValidationError, match="qu'une fois terminée"):
        year_close(consortium=world.consortium, year=timezone.localdate().year)
    meeting_services.meeting_update(
        meeting=copil.cotech_meeting,
        starts_at=datetime.datetime(2024, 5, 2, 10, tzinfo=datetime.UTC),
    )
    with pytest.raises(ValidationError, match="1 séance de 2024 a un procès-verbal non clos"):
        year_close(consortium=world.consortium, year=2024)
    assert not ClosedYear.objects.exists()


def test_meeting_history_shows_who_changed_the_record_even_removed_rows(copil, world, client_for):
    meeting_services.attendance_record(
        meeting=copil.meeting,
        entries=[meeting_services.AttendanceEntry(s, "present") for s in copil.seats.values()],
    )
    response = client_for("secretary").get(copil.meeting.get_absolute_url())
    page = html.unescape(response.text)
    assert "Historique des modifications" in page
    # The first sheet's proxy row was removed by the second sheet: still in the history.
    assert "Excusé, a donné pouvoir" in page.split("Historique des modifications", 1)[1]
    assert (
        "Historique des modifications"
        not in client_for("partner_a").get(copil.meeting.get_absolute_url()).text
    )


def test_minutes_stay_in_french_for_a_reader_browsing_in_english(copil, world, client_for):
    from django.conf import settings

    _close(copil, world)
    client = client_for("secretary")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Meetings" in client.get(reverse("governance:meeting_list")).text  # English pages
    response = client.get(reverse("governance:minutes_pdf", args=[copil.meeting.pk]))
    text = _pdf_text(response.content)
    assert "Procès-verbal — Comité de pilotage" in text
    assert "Minutes" not in text
