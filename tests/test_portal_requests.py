"""Meeting requests: a partner user asks for a COTECH meeting, a secretary schedules it from the
request (or answers with a reason), the requester is told by e-mail, once."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import BodyKind, ItemKind, Meeting, MeetingRequest, RequestState
from governance.services import requests as services
from governance.services.bodies import body_create
from governance.tasks import notify_meeting_request
from tests.factories import ConsortiumFactory
from tests.governance_fixtures import PARIS
from tests.portal_fixtures import request_of

STARTS_AT = datetime.datetime(2027, 1, 14, 14, 0, tzinfo=PARIS)


def test_a_request_becomes_a_scheduled_meeting(
    world, users, copil, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for("partner_a")
    response = client.post(
        reverse("governance:meeting_request_create"),
        {"body": copil.cotech.pk, "subject": "Choix du prestataire", "details": "Urgent."},
    )
    assert response.status_code == 302
    request = MeetingRequest.objects.get()
    assert (request.partner, request.body, request.state) == (
        world.partner_a,
        copil.cotech,
        RequestState.PENDING,
    )
    assert request.requested_by == users["partner_a"]
    assert LogEntry.objects.get_for_object(request).count() == 1  # the audit trail

    secretary = client_for("secretary")
    url = reverse("governance:meeting_request_schedule", args=[request.pk])
    page = secretary.get(url)
    # Prefilled from the body's latest meeting: its place.
    assert page.context["form"].initial["place"] == copil.cotech_meeting.place
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary.post(
            url, {"starts_at": "2027-01-14T14:00", "place": "Hôtel du Département, Tours"}
        )
    meeting = Meeting.objects.get(requests=request)
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    request.refresh_from_db()
    assert request.state == RequestState.SCHEDULED
    assert request.decided_by == users["secretary"] and request.notified_at is not None
    assert meeting.body == copil.cotech and meeting.starts_at == STARTS_AT
    assert list(meeting.items.values_list("title", "kind")) == [
        ("Choix du prestataire", ItemKind.INFORMATION)
    ]
    (message,) = mailoutbox
    assert message.to == ["a@example.org"]
    assert "programmée" in message.subject and "14/01/2027" in message.body

    # Told once: the task run again sends nothing; the request is no longer pending.
    assert notify_meeting_request(request.pk) == 0
    assert len(mailoutbox) == 1
    assert secretary.get(url).status_code == 404


def test_an_answer_needs_a_reason_and_is_mailed(
    world, users, copil, mailoutbox, django_capture_on_commit_callbacks
):
    request = request_of(world.partner_a, copil.body, users["partner_a"])
    with pytest.raises(ValidationError) as refused:
        services.meeting_request_answer(request=request, answer="  ")
    assert "motif" in str(refused.value)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_request_answer(
            request=request, answer="Le point sera traité au COPIL de mars.", user=users["admin"]
        )
    request.refresh_from_db()
    assert request.state == RequestState.ANSWERED and request.meeting is None
    (message,) = mailoutbox
    assert "Le point sera traité au COPIL de mars." in message.body
    with pytest.raises(ValidationError):
        services.meeting_request_answer(request=request, answer="Encore")


def test_only_the_copil_or_cotech_of_its_own_consortium(world, copil):
    other = body_create(
        consortium=ConsortiumFactory(), kind=BodyKind.TECHNICAL, name="Autre", short_name="AUT"
    )
    with pytest.raises(ValidationError):
        request_of(world.partner_a, other)
    with pytest.raises(ValidationError):
        request_of(world.partner_a, copil.cotech, subject="   ")
    assert not MeetingRequest.objects.exists()


def test_a_refused_schedule_keeps_the_request_pending(world, copil):
    request = request_of(world.partner_a, copil.cotech)
    with pytest.raises(ValidationError):  # neither place nor link: the meeting is refused
        services.meeting_request_schedule(request=request, starts_at=STARTS_AT)
    request.refresh_from_db()
    assert request.state == RequestState.PENDING
    assert not copil.cotech.meetings.filter(starts_at=STARTS_AT).exists()


def test_partners_see_their_own_requests_only(world, users, copil, client_for):
    request_of(world.partner_a, copil.cotech, subject="Demande de Blois")
    request_of(world.partner_b, copil.body, subject="Demande Agglopolys")
    page = client_for("partner_b").get(reverse("governance:meeting_request_list")).text
    assert "Demande Agglopolys" in page and "Demande de Blois" not in page
    page = client_for("finance").get(reverse("governance:meeting_request_list")).text
    assert "Demande Agglopolys" in page and "Demande de Blois" in page
