"""The `.ics` invitation sent with a convocation."""

import datetime

from django.conf import settings
from icalendar import Calendar, Event, vCalAddress, vText

from governance.models import Meeting

#: A meeting has no end time in the record: invitations block half a day.
DEFAULT_DURATION = datetime.timedelta(hours=3)


def meeting_ics(meeting: Meeting, *, attendee_email: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Ligeris//Gouvernance//FR")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    host = settings.LIGERIS_BASE_URL.split("//")[-1].split("/")[0] or "ligeris"
    event.add("uid", f"meeting-{meeting.pk}@{host}")
    event.add("summary", f"{meeting.body.name} — séance du {meeting.starts_at:%d/%m/%Y}")
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + DEFAULT_DURATION)
    event.add("dtstamp", datetime.datetime.now(tz=datetime.UTC))
    event.add("location", vText(meeting.place or meeting.video_link))
    if meeting.video_link:
        event.add("url", meeting.video_link)
    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.items.all())
    event.add("description", f"Ordre du jour :\n{agenda}")
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
