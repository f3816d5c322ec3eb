"""Meeting dates make sense: no meeting before the convention, no attendance or vote before the
meeting, no empty vote sheet, a convocation date that is the real one, a notice never negative,
and a decision with advisory opinions only that says so. Each refusal: a French message, nothing
changed."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance import selectors, tasks
from governance.models import Attendance, DecisionResult, Meeting, Vote
from governance.services import meetings as meeting_services
from governance.services.votes import BallotEntry, vote_cast, votes_record
from ligeris.lib import french
from tests.governance_fixtures import MEETING_AT, PARIS, Snapshot, vote_all

BEFORE_CONVENTION = "La convention prend effet le 01/01/2024 : une séance ne peut être antérieure."


def _refused(action, message):
    before = Snapshot.take()
    with pytest.raises(ValidationError) as refused:
        action()
    assert message in " ".join(refused.value.messages)
    assert Snapshot.take() == before


def _future_meeting(copil, *, days=5):
    starts_at = (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )
    meeting = meeting_services.meeting_schedule(body=copil.body, starts_at=starts_at, place="Blois")
    item = meeting_services.item_add(
        meeting=meeting,
        title="Budget",
        kind="decision",
        motion="Le COPIL adopte le budget.",
        decision_kind="strategy",
    )
    return meeting, item


def _not_before(meeting, what: str) -> str:
    local = timezone.localtime(meeting.starts_at)
    return f"La séance commence le {local:%d/%m/%Y} à {french.hour(local)} : {what}"


# --- The convention's start ---------------------------------------------------------------------


def test_a_meeting_before_the_convention_is_refused(copil):
    _refused(
        lambda: meeting_services.meeting_schedule(
            body=copil.body,
            starts_at=datetime.datetime(2023, 12, 20, 10, tzinfo=PARIS),
            place="Tours",
        ),
        BEFORE_CONVENTION,
    )
    _refused(
        lambda: meeting_services.meeting_update(
            meeting=copil.cotech_meeting,
            starts_at=datetime.datetime(2023, 6, 1, 10, tzinfo=PARIS),
        ),
        BEFORE_CONVENTION,
    )
    # The convention's first day is fine.
    meeting_services.meeting_schedule(
        body=copil.body, starts_at=datetime.datetime(2024, 1, 1, 10, tzinfo=PARIS), place="Tours"
    )


def test_the_meeting_form_says_the_convention_starts_later(copil, client_for):
    count = Meeting.objects.count()
    response = client_for("secretary").post(
        reverse("governance:meeting_create", args=[copil.body.pk]),
        {"starts_at": "2023-11-15T10:00", "place_preposition": "à", "place": "Tours"},
    )
    assert response.status_code == 200
    assert BEFORE_CONVENTION in html.unescape(response.text)
    assert Meeting.objects.count() == count


# --- Nothing of the meeting before it -----------------------------------------------------------


def test_attendance_before_the_meeting_is_refused(copil, world, client_for):
    meeting, _item = _future_meeting(copil)
    message = _not_before(meeting, "les présences ne peuvent être enregistrées avant.")
    entries = [meeting_services.AttendanceEntry(seat, "present") for seat in copil.seats.values()]
    _refused(lambda: meeting_services.attendance_record(meeting=meeting, entries=entries), message)

    client = client_for("secretary")
    url = reverse("governance:attendance", args=[meeting.pk])
    assert "La séance n'a pas encore commencé" in html.unescape(client.get(url).text)
    response = client.post(url, {f"status_{s.pk}": "present" for s in copil.seats.values()})
    assert response.status_code == 200
    assert message in html.unescape(response.text)
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_votes_before_the_meeting_are_refused(copil, world):
    meeting, item = _future_meeting(copil)
    message = _not_before(meeting, "les votes ne peuvent être enregistrés avant.")
    seat = copil.seat(world.partner_a)
    _refused(
        lambda: votes_record(
            decision=item.decision, entries=[BallotEntry(world.tenant_a, "for", seat)]
        ),
        message,
    )
    _refused(
        lambda: vote_cast(
            decision=item.decision, tenant=world.tenant_a, choice="for", cast_by=seat
        ),
        message,
    )


def test_a_meeting_with_its_attendance_is_not_postponed_to_a_date_to_come(copil):
    _refused(
        lambda: meeting_services.meeting_update(
            meeting=copil.meeting, starts_at=timezone.now() + datetime.timedelta(days=2)
        ),
        "Les présences de cette séance sont enregistrées : elle ne peut être reportée",
    )


def test_an_empty_vote_sheet_is_refused(copil, world, client_for):
    vote_all(copil.meeting, copil.decision)
    votes_before = sorted(Vote.objects.values_list("tenant_id", "choice"))
    message = "Aucun vote n'est saisi : indiquez le vote d'au moins un tenant"
    _refused(lambda: votes_record(decision=copil.decision, entries=[]), message)

    response = client_for("secretary").post(reverse("governance:votes", args=[copil.item.pk]), {})
    assert response.status_code == 200
    assert message in html.unescape(response.text)
    assert sorted(Vote.objects.values_list("tenant_id", "choice")) == votes_before
    copil.decision.refresh_from_db()
    assert copil.decision.result == DecisionResult.CONSENSUS


def test_erasing_the_votes_is_a_button_of_its_own(copil, world, client_for):
    vote_all(copil.meeting, copil.decision)
    client = client_for("secretary")
    url = reverse("governance:votes", args=[copil.item.pk])
    assert "Effacer les votes" in client.get(url).text
    response = client.post(url, {"clear": "1"}, follow=True)
    assert "Les votes de ce point ont été effacés." in html.unescape(response.text)
    assert not Vote.objects.filter(decision=copil.decision).exists()
    copil.decision.refresh_from_db()
    assert (copil.decision.result, copil.decision.rule) == (DecisionResult.PENDING, "")


# --- The convocation's date ---------------------------------------------------------------------


def _meeting_form(meeting, **changes):
    local = timezone.localtime(meeting.starts_at)
    data = {
        "starts_at": f"{local:%Y-%m-%dT%H:%M}",
        "place_preposition": "à l'",
        "place": "Hôtel du Département, Tours",
        "chair": meeting.chair_id or "",
        "secretary": meeting.secretary_id or "",
    }
    return {**data, **changes}


def test_a_past_meeting_entered_afterwards_keeps_its_real_convocation_date(copil, client_for):
    client = client_for("secretary")
    url = reverse("governance:meeting_update", args=[copil.meeting.pk])
    response = client.post(url, _meeting_form(copil.meeting, convened_on="2026-02-20"))
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=copil.meeting.pk)
    assert timezone.localdate(meeting.convened_at) == datetime.date(2026, 2, 20)
    assert meeting.place_phrase == "à l'Hôtel du Département, Tours"
    # Re-sending from Ligeris (to a member seated later, say) keeps the date of the letter.
    tasks.send_convocation(meeting.pk)
    meeting.refresh_from_db()
    assert timezone.localdate(meeting.convened_at) == datetime.date(2026, 2, 20)
    assert selectors.notice_days(meeting) == 18
    page = html.unescape(client.get(meeting.get_absolute_url()).text)
    assert "envoyée le 20/02/2026 (18 jours avant la séance), par Ligeris à 3 membres" in page


def test_sending_from_ligeris_stamps_today_and_the_date_is_then_a_fact(copil, client_for):
    tasks.send_convocation(copil.meeting.pk)
    meeting = Meeting.objects.get(pk=copil.meeting.pk)
    assert timezone.localdate(meeting.convened_at) == timezone.localdate()
    sent_at = meeting.convened_at
    client = client_for("secretary")
    url = reverse("governance:meeting_update", args=[meeting.pk])
    assert "Envoyée depuis Ligeris" in html.unescape(client.get(url).text)
    client.post(url, _meeting_form(meeting, convened_on="2026-01-05"))
    meeting.refresh_from_db()
    assert meeting.convened_at == sent_at


def test_a_convocation_date_after_the_meeting_is_refused(copil, client_for):
    response = client_for("secretary").post(
        reverse("governance:meeting_update", args=[copil.meeting.pk]),
        _meeting_form(copil.meeting, convened_on="2026-03-11"),
    )
    assert response.status_code == 200
    assert "La convocation ne peut être postérieure à la séance." in html.unescape(response.text)
    meeting = Meeting.objects.get(pk=copil.meeting.pk)
    assert (meeting.convened_at, meeting.place) == (None, "Hôtel du Département, Tours")
    assert meeting.place_preposition == "à"  # nothing of the refused form was saved


def test_a_future_meeting_cannot_claim_a_convocation_sent_tomorrow(copil, client_for):
    meeting, _item = _future_meeting(copil)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="datée d'un jour à venir"):
        meeting_services.meeting_update(meeting=meeting, convened_at=tomorrow)
    response = client_for("secretary").post(
        reverse("governance:meeting_update", args=[meeting.pk]),
        _meeting_form(meeting, convened_on=f"{timezone.localdate(tomorrow):%Y-%m-%d}"),
    )
    assert response.status_code == 200
    message = "La convocation ne peut être datée d'un jour à venir"
    assert message in html.unescape(response.text)
    meeting.refresh_from_db()
    assert (meeting.convened_at, meeting.place) == (None, "Blois")


# --- The notice -----------------------------------------------------------------------------------


def test_the_notice_is_never_negative(copil, client_for):
    meeting = copil.meeting  # held on 10/03/2026, no convocation recorded
    assert selectors.notice_days(meeting) is None
    assert not selectors.notice_is_short(meeting)
    page = html.unescape(client_for("secretary").get(meeting.get_absolute_url()).text)
    assert "pas encore envoyée" in page
    assert "Délai de convocation court" not in page
    # An old record whose convocation is dated after the meeting: no notice, never minus days.
    Meeting.objects.filter(pk=meeting.pk).update(convened_at=MEETING_AT + datetime.timedelta(5))
    meeting.refresh_from_db()
    assert selectors.notice_days(meeting) == 0
    page = html.unescape(client_for("secretary").get(meeting.get_absolute_url()).text)
    assert "(le jour même de la séance)" in page
    assert "-5" not in page


def test_a_meeting_to_come_counts_its_notice_from_today(copil, client_for):
    meeting, _item = _future_meeting(copil, days=4)
    assert selectors.notice_days(meeting) == 4
    page = html.unescape(client_for("secretary").get(meeting.get_absolute_url()).text)
    assert "Délai de convocation court : 4 jours avant la séance, l'instance en prévoit 15." in page


# --- Advisory opinions only -----------------------------------------------------------------------


def test_a_decision_with_advisory_opinions_only_says_so(committee_builder):
    committee = committee_builder(deliberative=1, advisory=2)
    committee.attend(absent=committee.deliberative)
    decision = committee.vote([(committee.advisory[0], "for"), (committee.advisory[1], "against")])
    assert decision.result == DecisionResult.ADVISORY_ONLY
    assert not decision.is_adopted
    assert decision.get_result_display() == "Non adoptée : avis consultatifs seulement"
    assert decision.rule == (
        "Aucune voix délibérative exprimée : 2 avis consultatifs (1 pour, 1 contre, aucune "
        "abstention), hors décompte ; la proposition n'est pas adoptée."
    )
    assert "Rejetée" not in decision.rule
    # Voted: the minutes may close.
    meeting_services.minutes_close(meeting=committee.meeting)
