"""The demo's portal: one pending meeting request and one pending contact change."""

import io

from django.core.management import call_command

from governance.models import MeetingRequest, RequestState
from partners.models import ContactChange, ContactChangeState


def test_the_demo_has_a_pending_meeting_request_and_contact_change(db):
    call_command("load_demo", stdout=io.StringIO())
    (request,) = MeetingRequest.objects.select_related("partner", "body", "requested_by")
    assert request.state == RequestState.PENDING
    assert (request.partner.short_name, request.body.short_name) == ("Châteauroux", "COTECH")
    assert request.requested_by.email == "partenaire@chateauroux.localhost"
    (change,) = ContactChange.objects.select_related("partner")
    assert change.state == ContactChangeState.PENDING and change.partner.short_name == "Cher"
    # Loaded again, nothing doubles.
    call_command("load_demo", stdout=io.StringIO())
    assert MeetingRequest.objects.count() == ContactChange.objects.count() == 1
