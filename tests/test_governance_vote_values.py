"""The votes of a sheet written from their values (no model instance per row): the same rows
and the same audit entries as a vote saved one at a time leaves, the actor's included."""

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from governance.models import AgendaItem, Vote
from governance.services.votes import votes_record
from ligeris.lib.audit import auditlog_disabled
from tests.factories import UserFactory
from tests.governance_fixtures import sheet_all
from tests.scale_fixtures import bulk_committee


def _entry(vote_pk: int) -> LogEntry:
    content_type = ContentType.objects.get_for_model(Vote)
    return LogEntry.objects.filter(content_type=content_type, object_pk=str(vote_pk)).latest("pk")


def test_votes_written_from_values_are_audited_as_a_save_would(db):
    committee = bulk_committee(6)
    meeting = committee.meeting
    item = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    entries = sheet_all(meeting, item.decision, "against")
    user = UserFactory()
    with set_actor(user, remote_addr="192.0.2.7"):
        decision = votes_record(decision=item.decision, entries=entries)
    assert decision.votes_against == len(entries) > 1
    votes = list(Vote.objects.filter(decision=item.decision).select_related("tenant"))
    assert sorted((v.tenant_id, v.choice, v.cast_by_id) for v in votes) == sorted(
        (e.tenant.pk, e.choice, e.cast_by.pk) for e in entries
    )
    in_bulk = {vote.pk: _entry(vote.pk) for vote in votes}
    # Each vote saved again, alone, through auditlog's signals: the same entry.
    for vote in votes[:3]:
        old_pk = vote.pk
        with auditlog_disabled():
            vote.delete()  # its key set to None: saved again, a new row
        with set_actor(user, remote_addr="192.0.2.7"):
            vote.save()
        by_signal, ours = _entry(vote.pk), in_bulk[old_pk]
        assert ours.action == by_signal.action == LogEntry.Action.CREATE
        assert ours.object_repr == by_signal.object_repr == f"{vote.tenant.code} : Contre"
        assert ours.object_id == old_pk and ours.object_pk == str(old_pk)
        assert ours.actor_id == by_signal.actor_id == user.pk
        assert ours.actor_email == by_signal.actor_email
        assert ours.remote_addr == by_signal.remote_addr == "192.0.2.7"
        assert ours.additional_data == by_signal.additional_data == {"meeting_id": meeting.pk}
        expected = {k: v for k, v in by_signal.changes.items() if k != "id"}
        assert {k: v for k, v in ours.changes.items() if k != "id"} == expected
        assert ours.changes["id"] == ["None", str(old_pk)]
        assert ours.timestamp <= by_signal.timestamp
