"""Background work of governance: the convocation e-mails and the yearly frequency reminder.

Celery runs eagerly in tests (no broker): tasks are called directly or through the service's
on-commit hook. Dates are fixed by replacing `governance.tasks.timezone` with a stub.
"""

import datetime

import icalendar
import pytest
from django.core import mail
from django.utils import timezone as django_timezone

from governance import tasks
from governance.models import (
    BodyKind,
    ConvocationDelivery,
    FrequencyAlert,
    ItemKind,
    Meeting,
)
from governance.services.bodies import body_create, seat_add, seat_deactivate
from governance.services.meetings import convocation_send, item_add, meeting_schedule
from tests.factories import ConsortiumFactory, PersonFactory, UserFactory
from tests.governance_fixtures import MEETING_AT, PARIS

# --- Convocation ------------------------------------------------------------------------------


def _calendar_attachment(message):
    (attachment,) = message.attachments
    filename, content, mimetype = attachment
    assert filename.endswith(".ics")
    assert mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(content)


def _seat_emails(copil):
    return sorted(seat.person.email for seat in copil.seats.values())


def test_send_convocation_mails_every_seat_with_the_agenda_and_an_invitation(world, copil):
    meeting = copil.meeting
    assert meeting.convened_at is None

    sent = tasks.send_convocation(meeting.pk)

    assert sent == 3
    assert sorted(m.to[0] for m in mail.outbox) == _seat_emails(copil)
    assert all(len(m.to) == 1 for m in mail.outbox)
    for message in mail.outbox:
        assert "Comité de pilotage" in message.subject and "10/03/2026" in message.subject
        assert "Ordre du jour :\n1. Rapport d" in message.body
        assert "2. Feuille de route 2026 (pour décision)" in message.body
        assert "Hôtel du Département, Tours" in message.body
        html, _mimetype = message.alternatives[0]
        assert "Feuille de route 2026" in html
        calendar = _calendar_attachment(message)
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("dtstart") == MEETING_AT
        assert event.decoded("dtend") > event.decoded("dtstart")
        assert "Comité de pilotage" in str(event["summary"])
        assert str(event["location"]) == "Hôtel du Département, Tours"
        assert "Feuille de route 2026" in str(event["description"])
        assert str(event["uid"]).startswith(f"meeting-{meeting.pk}@")
        assert str(event["attendee"]).lower() == f"mailto:{message.to[0]}".lower()
    meeting.refresh_from_db()
    assert meeting.convened_at is not None
    assert ConvocationDelivery.objects.filter(meeting=meeting, sent_at__isnull=False).count() == 3


def test_plain_text_parts_are_not_html_escaped(copil):
    """The text body and the subject are plain text: an apostrophe stays an apostrophe."""
    from governance.services.bodies import body_update

    body_update(body=copil.body, name="Comité d'orientation")
    tasks.send_convocation(copil.meeting.pk)

    message = mail.outbox[0]
    assert "Comité d'orientation" in message.subject
    assert "1. Rapport d'activité (pour information)" in message.body
    assert "&#x27;" not in message.subject + message.body


def test_a_second_run_sends_nothing_more(copil):
    tasks.send_convocation(copil.meeting.pk)
    copil.meeting.refresh_from_db()
    first_convened_at = copil.meeting.convened_at

    assert tasks.send_convocation(copil.meeting.pk) == 0

    assert len(mail.outbox) == 3
    copil.meeting.refresh_from_db()
    assert copil.meeting.convened_at == first_convened_at


def test_convocation_send_queues_the_task_after_commit(copil, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        convocation_send(meeting=copil.meeting)
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing before the commit

    with django_capture_on_commit_callbacks(execute=True):
        convocation_send(meeting=copil.meeting)

    assert sorted(m.to[0] for m in mail.outbox) == _seat_emails(copil)
    assert Meeting.objects.get(pk=copil.meeting.pk).convened_at is not None


def test_inactive_seats_are_not_convened(world, copil):
    seat_deactivate(seat=copil.seat(world.partner_b))

    assert tasks.send_convocation(copil.meeting.pk) == 2

    assert copil.people[world.partner_b.pk].email not in {m.to[0] for m in mail.outbox}


def test_video_meeting_invitation_carries_the_link(copil, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        convocation_send(meeting=copil.cotech_meeting)

    assert len(mail.outbox) == 2
    (event,) = _calendar_attachment(mail.outbox[0]).walk("VEVENT")
    assert str(event["location"]) == "https://visio.example.org/cotech"
    assert str(event["url"]) == "https://visio.example.org/cotech"
    assert "Visioconférence : https://visio.example.org/cotech" in mail.outbox[0].body


def test_a_failed_send_is_retried_for_the_missing_seats_only(world, copil, monkeypatch):
    failing = copil.people[world.partner_a.pk].email
    real_send = tasks.send_templated_email

    def flaky(name, *, to, **kwargs):
        if failing in to:
            raise OSError("SMTP indisponible")
        return real_send(name, to=to, **kwargs)

    monkeypatch.setattr(tasks, "send_templated_email", flaky)
    with pytest.raises(OSError):
        tasks.send_convocation(copil.meeting.pk)
    assert failing not in {m.to[0] for m in mail.outbox}
    assert not ConvocationDelivery.objects.filter(email=failing, sent_at__isnull=False).exists()
    before = sorted(m.to[0] for m in mail.outbox)

    monkeypatch.setattr(tasks, "send_templated_email", real_send)
    tasks.send_convocation(copil.meeting.pk)

    after = sorted(m.to[0] for m in mail.outbox)
    assert after == _seat_emails(copil)  # each seat once, the failed one now included
    assert set(before) < set(after) and len(after) == len(set(after))  # nothing sent twice


def test_empty_agenda_is_not_convened(copil):
    from django.core.exceptions import ValidationError

    meeting = meeting_schedule(body=copil.body, starts_at=MEETING_AT, place="Tours")
    with pytest.raises(ValidationError) as refused:
        convocation_send(meeting=meeting)
    assert "L'ordre du jour est vide" in " ".join(refused.value.messages)


def test_missing_meeting_sends_nothing(db):
    assert tasks.send_convocation(987654) == 0
    assert mail.outbox == []


# --- Frequency --------------------------------------------------------------------------------


class FrozenTimezone:
    """Stands for `django.utils.timezone` inside `governance.tasks`, at a fixed instant."""

    def __init__(self, moment: datetime.datetime):
        self.moment = moment

    def now(self):
        return self.moment

    def localdate(self, value=None, timezone=None):
        return django_timezone.localdate(value or self.moment, timezone)


@pytest.fixture
def frozen(monkeypatch):
    def freeze(year, month, day, hour=7):
        monkeypatch.setattr(
            tasks,
            "timezone",
            FrozenTimezone(datetime.datetime(year, month, day, hour, tzinfo=PARIS)),
        )

    return freeze


@pytest.fixture
def behind(world, users, copil):
    """COPIL (minimum 1) held its 2026 meeting; the COTECH (minimum 3) held 1 and has 1 to come."""
    # copil.cotech_meeting: 17 March 2026, held. One more on 20 October 2026.
    meeting = meeting_schedule(
        body=copil.cotech,
        starts_at=datetime.datetime(2026, 10, 20, 14, 0, tzinfo=PARIS),
        place="Tours",
    )
    item_add(meeting=meeting, title="Planning", kind=ItemKind.INFORMATION)
    return copil


def test_frequency_before_october_sends_nothing(behind, frozen):
    frozen(2026, 9, 30, hour=23)

    assert tasks.check_meeting_frequency() == 0

    assert mail.outbox == []
    assert not FrequencyAlert.objects.exists()


def test_frequency_on_2_october_mails_admin_and_secretary_once(behind, users, frozen):
    UserFactory(email="ancien@example.org", role="secretary", is_active=False)
    other = ConsortiumFactory(name="GIP RECIA", short_name="RECIA")
    UserFactory(email="secretary@recia.example.org", role="secretary", consortia=[other])
    frozen(2026, 10, 2)

    assert tasks.check_meeting_frequency() == 1

    (message,) = mail.outbox
    # Not the former secretary, nor another consortium's.
    assert sorted(message.to) == ["admin@example.org", "secretary@example.org"]
    assert "Comité technique" in message.subject
    assert (
        "Comité technique a tenu 1 séance(s) en 2026 pour un minimum de 3 par an "
        "(1 encore programmée(s))"
    ) in message.body
    assert "Comité de pilotage" not in message.body  # the COPIL met its minimum
    assert FrequencyAlert.objects.get().body == behind.cotech


def test_frequency_from_1_october(behind, frozen):
    frozen(2026, 10, 1, hour=0)
    assert tasks.check_meeting_frequency() == 1


def test_frequency_again_the_same_month_sends_nothing_more(behind, frozen):
    frozen(2026, 10, 2)
    tasks.check_meeting_frequency()
    frozen(2026, 10, 31, hour=20)

    assert tasks.check_meeting_frequency() == 0

    assert len(mail.outbox) == 1


def test_frequency_reminds_again_the_next_month(behind, frozen):
    frozen(2026, 10, 2)
    tasks.check_meeting_frequency()
    frozen(2026, 11, 2)

    assert tasks.check_meeting_frequency() == 1

    assert len(mail.outbox) == 2
    # On 2 November the October meeting is held: 2 of 3.
    assert "a tenu 2 séance(s) en 2026 pour un minimum de 3" in mail.outbox[1].body


def test_frequency_counts_only_meetings_held_by_the_checked_day(behind, frozen):
    """A meeting dated later in the year is scheduled, not held, on the day of the check."""
    frozen(2026, 10, 21)  # the COTECH of 20 October is held: 2 of 3, still behind
    tasks.check_meeting_frequency()
    assert "a tenu 2 séance(s) en 2026 pour un minimum de 3" in mail.outbox[0].body
    assert "(0 encore programmée(s))" in mail.outbox[0].body


def test_frequency_body_on_track_sends_nothing(world, users, frozen):
    cotech = body_create(
        consortium=world.consortium, kind=BodyKind.TECHNICAL, name="CT", short_name="CT"
    )
    seat_add(body=cotech, person=PersonFactory(partner=world.partner_a))
    for month in (2, 5, 9):
        meeting_schedule(
            body=cotech, starts_at=datetime.datetime(2026, month, 10, 10, tzinfo=PARIS), place="T"
        )
    frozen(2026, 10, 2)

    assert tasks.check_meeting_frequency() == 0

    assert mail.outbox == []


def test_frequency_last_year_meetings_do_not_count(world, users, frozen):
    cotech = body_create(
        consortium=world.consortium, kind=BodyKind.TECHNICAL, name="CT", short_name="CT"
    )
    for month in (2, 5, 9):
        meeting_schedule(
            body=cotech, starts_at=datetime.datetime(2025, month, 10, 10, tzinfo=PARIS), place="T"
        )
    frozen(2026, 10, 2)

    assert tasks.check_meeting_frequency() == 1

    assert "a tenu 0 séance(s) en 2026" in mail.outbox[0].body
