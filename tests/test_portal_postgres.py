"""The portal's row locks and constraints on PostgreSQL: concurrent submissions keep one, a
validated change applies once whatever the daily runs racing, a request is decided once."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import MeetingRequest, RequestState
from governance.services.requests import meeting_request_answer
from membership.models import DeliberationSubmission, SubmissionState
from partners.contact_changes import contact_change_validate, contact_changes_apply_due
from partners.models import ContactChange, ContactChangeState, Partner
from tests.conftest import ON_POSTGRES
from tests.membership_amendments_fixtures import party
from tests.portal_fixtures import change_of, request_of, submit_for
from tests.test_membership_withdrawal_postgres import _together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks are PostgreSQL's"),
]


def test_concurrent_proposals_keep_one(transactional_db, world):
    def propose():
        return change_of(Partner.objects.get(pk=world.partner_a.pk))

    results, errors = _together(propose)
    assert len(results) == 1 and len(errors) == 3
    assert all("attend déjà" in " ".join(e.messages) for e in errors)
    assert ContactChange.objects.count() == 1


def test_concurrent_daily_runs_apply_a_change_once(transactional_db, world):
    change = change_of(
        world.partner_a, effective_on=timezone.localdate() + datetime.timedelta(days=2)
    )
    contact_change_validate(change=change)
    later = timezone.localdate() + datetime.timedelta(days=2)
    results, _errors = _together(lambda: contact_changes_apply_due(today=later))
    assert sorted(results) == [0, 0, 0, 1]
    assert ContactChange.objects.get().state == ContactChangeState.APPLIED


def test_concurrent_answers_decide_a_request_once(transactional_db, world, copil):
    request = request_of(world.partner_a, copil.cotech)

    def answer():
        return meeting_request_answer(
            request=MeetingRequest.objects.get(pk=request.pk), answer="Non."
        )

    results, errors = _together(answer)
    assert len(results) == 1 and len(errors) == 3
    assert MeetingRequest.objects.get().state == RequestState.ANSWERED


def test_the_database_keeps_one_waiting_deliberation_per_party(db, world, copil):
    from tests.membership_amendments_fixtures import world_amendment

    file = world_amendment(copil)
    first = submit_for(file, world.partner_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliberationSubmission.objects.create(
            party=party(file, world.partner_a),
            approving_body="Conseil municipal",
            approved_on=first.approved_on,
            deliberation_number="bis",
            pdf=first.pdf.name,
            state=SubmissionState.SUBMITTED,
        )
