"""The partnership programme's rows of the permission matrix (merged into
tests/test_permissions.MATRIX, the POST matrix following from them).

Workstreams are the consortium's: every partner user of it reads them (A and B alike); staff
edit them. A meeting's additions follow the meeting: "cotech" is a COTECH where partner A sits
and partner B does not, so B gets 404 on its recording.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from governance.models import AttendanceStatus
from governance.services import meetings as meeting_services
from governance.services.meetings import AttendanceEntry
from programme.models import DeliverableStatus, GuestKind
from programme.services import meetings as services
from programme.services import workstreams as workstream_services
from tests.portal_fixtures import pdf_upload

LOGIN = 302
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 200)
RECORDERS_ONLY = (LOGIN, 403, 200, 403, 403, 200)
POST_RECORDERS = (LOGIN, 403, 302, 403, 403, 302)
OWN_TO_A = (LOGIN, 200, 200, 200, 404, 200)

PROGRAMME_MATRIX = {
    "programme:workstream_list": ("get", None, SIGNED_IN),
    "programme:workstream_create": ("get", None, STAFF_ONLY),
    "programme:workstream_detail": ("get", "programme_workstream", SIGNED_IN),
    "programme:workstream_update": ("get", "programme_workstream", STAFF_ONLY),
    "programme:member_create": ("get", "programme_workstream", STAFF_ONLY),
    "programme:deliverable_create": ("get", "programme_workstream", STAFF_ONLY),
    "programme:deliverable_update": ("get", "programme_deliverable", STAFF_ONLY),
    "programme:deliverable_document": ("get", "programme_document", SIGNED_IN),
    "programme:review_sheet": ("get", "programme_copil_meeting", STAFF_ONLY),
    "programme:rota": ("get", None, RECORDERS_ONLY),
    "programme:rota_remove": ("post", "programme_rota_entry", POST_RECORDERS),
    "programme:secretariat": ("get", "programme_cotech_meeting", RECORDERS_ONLY),
    "programme:guest_create": ("get", "programme_cotech_meeting", RECORDERS_ONLY),
    "programme:guest_remove": ("post", "programme_guest", POST_RECORDERS),
    "programme:recording_create": ("get", "programme_cotech_meeting", RECORDERS_ONLY),
    "programme:recording_download": ("get", "programme_recording", OWN_TO_A),
}

#: Smallest MP3 start: an ID3v2 tag header, then an MPEG frame header.
MP3_BYTES = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 64


def workstream(world, name="Catalogage"):
    return workstream_services.workstream_create(
        consortium=world.consortium,
        name=name,
        summary="Établir un état des lieux des données nativement numériques.",
        frequency="Présentiel pour la méthode, visio de 45 min par secteur",
    )


def programme_args(world, copil, key: str) -> list[int]:
    if key == "programme_workstream":
        return [workstream(world).pk]
    if key in ("programme_deliverable", "programme_document"):
        deliverable = workstream_services.deliverable_create(
            workstream=workstream(world),
            title="Guide méthodologique",
            due_on=datetime.date(2026, 6, 30),
        )
        if key == "programme_document":
            deliverable = workstream_services.deliverable_update(
                deliverable=deliverable,
                title=deliverable.title,
                due_on=deliverable.due_on,
                status=DeliverableStatus.DELIVERED,
                delivered_on=datetime.date(2026, 6, 1),
                document=pdf_upload("guide.pdf"),
            )
        return [deliverable.pk]
    if key == "programme_copil_meeting":
        return [copil.meeting.pk]
    if key == "programme_cotech_meeting":
        return [copil.cotech_meeting.pk]
    if key == "programme_rota_entry":
        return [services.rota_add(consortium=world.consortium, partner=world.partner_a).pk]
    if key == "programme_guest":
        guest = services.guest_add(
            meeting=copil.cotech_meeting, kind=GuestKind.ELECTED, name="Jean-Michel Levesque"
        )
        return [guest.pk]
    if key == "programme_recording":
        meeting = copil.cotech_meeting
        seats = list(copil.cotech.seats.all())
        entries = [AttendanceEntry(seat, AttendanceStatus.PRESENT) for seat in seats]
        meeting_services.attendance_record(meeting=meeting, entries=entries)
        meeting = meeting_services.meeting_update(meeting=meeting, secretary=seats[0].person)
        meeting = meeting_services.minutes_close(meeting=meeting)
        upload = SimpleUploadedFile("seance.mp3", MP3_BYTES, "audio/mpeg")
        return [services.recording_add(meeting=meeting, title="Séance", file=upload).pk]
    raise KeyError(key)
