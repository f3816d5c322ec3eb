"""Contact changes: a partner user proposes a new DSI (or billing e-mail) from a date; finance
staff validate; on that date the people change and the seats follow (or at once when due)."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.models import Seat
from governance.services.bodies import seat_add
from partners.contact_changes import (
    contact_change_reject,
    contact_change_validate,
    contact_changes_apply_due,
)
from partners.models import ContactChange, ContactChangeState, Person, PersonRole
from partners.tasks import apply_due_contact_changes
from tests.factories import PersonFactory
from tests.portal_fixtures import change_of


@pytest.fixture
def dsi(world, copil):
    """Partner A's DSI, seated in the COPIL and the COTECH."""
    person = PersonFactory(
        partner=world.partner_a, role=PersonRole.DSI, last_name="Ancien", email="ancien@blois.fr"
    )
    for body in (copil.body, copil.cotech):
        seat_add(body=body, person=person, role=PersonRole.DSI)
    return person


def _seated(body, partner):
    """Which of the old and the new DSI sits in the body (the fixtures seat others too)."""
    seats = body.seats.filter(
        partner=partner, is_active=True, person__last_name__in=("Ancien", "Nouvelle")
    )
    return [seat.person.last_name for seat in seats]


def test_a_validated_change_moves_the_seats_from_its_date(world, users, copil, dsi, client_for):
    effective = timezone.localdate() + datetime.timedelta(days=10)
    response = client_for("partner_a").post(
        reverse("partners:contact_change_create"),
        {
            "kind": "dsi",
            "replaces": dsi.pk,
            "civility": "Mme",
            "first_name": "Nadia",
            "last_name": "Nouvelle",
            "email": "Nadia.Nouvelle@blois.fr",
            "effective_on": effective.isoformat(),
        },
    )
    assert response.status_code == 302
    change = ContactChange.objects.get()
    assert change.replaces == dsi
    assert change.email == "nadia.nouvelle@blois.fr"

    response = client_for("finance").post(
        reverse("partners:contact_change_validate", args=[change.pk])
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.state == ContactChangeState.VALIDATED and change.decided_by == users["finance"]
    # Before its date nothing moves.
    assert contact_changes_apply_due(today=effective - datetime.timedelta(days=1)) == 0
    assert _seated(copil.body, world.partner_a) == ["Ancien"]

    assert contact_changes_apply_due(today=effective) == 1
    assert contact_changes_apply_due(today=effective) == 0  # once
    change.refresh_from_db()
    new = change.person
    assert change.state == ContactChangeState.APPLIED
    assert (new.first_name, new.role, new.is_active) == ("Nadia", PersonRole.DSI, True)
    dsi.refresh_from_db()
    assert not dsi.is_active
    for body in (copil.body, copil.cotech):
        assert _seated(body, world.partner_a) == ["Nouvelle"]
        old_seat = Seat.objects.get(body=body, person=dsi)
        assert not old_seat.is_active  # ended, kept for the record
        assert Seat.objects.get(body=body, person=new).order == old_seat.order
    # Audit trail: the change's proposal, validation and application.
    assert LogEntry.objects.get_for_object(change).count() == 3


def test_a_change_already_due_applies_on_validation(world, copil, dsi):
    change = change_of(
        world.partner_a,
        replaces=dsi,
        effective_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    change = contact_change_validate(change=change)
    assert change.state == ContactChangeState.APPLIED
    assert _seated(copil.cotech, world.partner_a) == ["Nouvelle"]


def test_the_daily_task_applies_the_due_changes(world, copil, dsi):
    change = change_of(
        world.partner_a,
        replaces=dsi,
        effective_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    contact_change_validate(change=change)
    assert apply_due_contact_changes() == 0  # tomorrow's change waits
    ContactChange.objects.filter(pk=change.pk).update(effective_on=timezone.localdate())
    assert apply_due_contact_changes(change_ids=[change.pk]) == 1
    assert _seated(copil.body, world.partner_a) == ["Nouvelle"]


def test_the_billing_email_changes_on_validation(world):
    change = change_of(
        world.partner_a, kind="billing_email", first_name="", last_name="", email="f@blois.fr"
    )
    contact_change_validate(change=change)
    world.partner_a.refresh_from_db()
    assert world.partner_a.billing_email == "f@blois.fr"


def test_a_rejection_needs_a_reason_and_changes_nothing(world, copil, dsi):
    change = change_of(world.partner_a, replaces=dsi)
    with pytest.raises(ValidationError):
        contact_change_reject(change=change, reason="")
    contact_change_reject(change=change, reason="Le DSI reste en poste jusqu'en juin.")
    change.refresh_from_db()
    assert change.state == ContactChangeState.REJECTED
    assert _seated(copil.body, world.partner_a) == ["Ancien"]
    assert not Person.objects.filter(last_name="Nouvelle").exists()
    with pytest.raises(ValidationError):
        contact_change_validate(change=change)


def test_bad_proposals_are_refused_in_french(world, users, client_for):
    other = PersonFactory(partner=world.partner_b, role=PersonRole.DSI)
    with pytest.raises(ValidationError) as refused:
        change_of(world.partner_a, replaces=other)
    assert "interlocuteur actif de votre partenaire" in str(refused.value)
    with pytest.raises(ValidationError):
        change_of(world.partner_a, first_name="")
    with pytest.raises(ValidationError):
        change_of(world.partner_a, effective_on=timezone.localdate() + datetime.timedelta(days=800))
    change_of(world.partner_a)
    with pytest.raises(ValidationError) as twice:
        change_of(world.partner_a)
    assert "attend déjà" in str(twice.value)
    assert ContactChange.objects.count() == 1


def test_another_partners_change_is_out_of_reach(world, users, client_for):
    change = change_of(world.partner_a)
    page = client_for("partner_b").get(reverse("partners:contact_change_list")).text
    assert "Nouvelle" not in page
    # B's user may not decide, and would not find A's change anyway.
    url = reverse("partners:contact_change_validate", args=[change.pk])
    assert client_for("partner_b").post(url).status_code == 403
    change.refresh_from_db()
    assert change.state == ContactChangeState.PENDING


def test_by_default_a_change_replaces_the_roles_active_holder(world):
    agent = PersonFactory(partner=world.partner_a, role=PersonRole.PROJECT_AGENT)
    assert change_of(world.partner_a, kind="project_agent").replaces == agent
