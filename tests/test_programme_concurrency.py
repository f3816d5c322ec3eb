"""Secretaries at the same moment: the rota's ranks never collide, no follow-up after closing."""

import pytest

from governance.models import Meeting
from governance.services import meetings as meeting_services
from partners.models import Consortium, Partner
from programme.models import ObjectivesStatus, RotaEntry, Workstream, WorkstreamReview
from programme.services import meetings as services
from programme.services import workstreams as workstream_services
from programme.services.workstreams import ReviewEntry
from tests.conftest import ON_POSTGRES
from tests.governance_fixtures import vote_all
from tests.programme_matrix import workstream
from tests.races import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="row locks are PostgreSQL's (run by the PostgreSQL half)"
    ),
]


def test_partners_added_to_the_rota_at_once_take_ranks_one_after_the_other(transactional_db, world):
    partners = [world.coordinator.pk, world.partner_a.pk, world.partner_b.pk]

    def add(index, barrier):
        barrier.wait(timeout=10)
        services.rota_add(
            consortium=Consortium.objects.get(pk=world.consortium.pk),
            partner=Partner.objects.get(pk=partners[index]),
        )

    assert race(3, add, timeout=30) == ["ok", "ok", "ok"]
    assert sorted(RotaEntry.objects.values_list("position", flat=True)) == [1, 2, 3]


def test_a_follow_up_recorded_while_the_minutes_close_lands_before_or_is_refused(
    transactional_db, world, copil
):
    ws = workstream(world)
    vote_all(copil.meeting, copil.decision)

    def work(index, barrier):
        meeting = Meeting.objects.get(pk=copil.meeting.pk)
        barrier.wait(timeout=10)
        if index == 0:
            meeting_services.minutes_close(meeting=meeting)
        else:
            workstream_services.reviews_record(
                meeting=meeting,
                entries=[
                    ReviewEntry(
                        workstream=Workstream.objects.get(pk=ws.pk),
                        progress=30,
                        objectives=ObjectivesStatus.MET,
                    )
                ],
            )

    outcomes = race(2, work, timeout=30)
    assert outcomes[0] == "ok"
    closed_at = Meeting.objects.get(pk=copil.meeting.pk).minutes_closed_at
    assert closed_at is not None
    if outcomes[1] == "ok":  # it took the meeting's lock first: recorded before the closing
        assert WorkstreamReview.objects.filter(meeting=copil.meeting).count() == 1
    else:
        assert outcomes[1] == "ValidationError"
        assert not WorkstreamReview.objects.exists()
