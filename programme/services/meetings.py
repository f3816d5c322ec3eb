"""Writes of what the partnership adds to a meeting: its secretariat, guests and recordings."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from governance.models import Meeting
from governance.services.common import refuse_if_closed
from ligeris.lib.audio import check_audio
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Partner
from programme import selectors
from programme.models import MeetingGuest, MeetingRecording, MeetingSecretariat, RotaEntry
from programme.services.workstreams import file_sha256


@transaction.atomic
def rota_add(*, consortium: Consortium, partner: Partner) -> RotaEntry:
    """The partner takes the last turn of the rota."""
    if partner.consortium_id != consortium.pk:
        raise ValidationError({"partner": _("Ce partenaire n'est pas membre du groupement.")})
    # The consortium's row orders concurrent additions: two never take the same rank.
    Consortium.objects.select_for_update().filter(pk=consortium.pk).first()
    last = RotaEntry.objects.filter(consortium=consortium).aggregate(last=Max("position"))["last"]
    entry = RotaEntry(consortium=consortium, position=(last or 0) + 1)
    return save(entry, partner=partner)


@transaction.atomic
def rota_remove(*, entry: RotaEntry) -> None:
    """Out of the rota; the meetings it held keep their secretariat."""
    RotaEntry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def secretariat_set(*, meeting: Meeting, partner: Partner) -> MeetingSecretariat:
    """The partner holding the meeting's secretariat: the rota's proposal or an override."""
    meeting = refuse_if_closed(meeting)
    if partner.consortium_id != meeting.body.consortium_id:
        raise ValidationError({"partner": _("Ce partenaire n'est pas membre du groupement.")})
    proposed = selectors.secretariat_proposal(meeting)
    current = MeetingSecretariat.objects.filter(meeting=meeting).first()
    row = current or MeetingSecretariat(meeting=meeting)
    # The proposal made when the secretariat was first set: later turns do not rewrite it.
    proposed_partner = current.proposed if current else (proposed.partner if proposed else None)
    return save(row, partner=partner, proposed=proposed_partner)


@transaction.atomic
def guest_add(*, meeting: Meeting, **fields) -> MeetingGuest:
    meeting = refuse_if_closed(meeting)
    return save(MeetingGuest(meeting=meeting), **fields)


@transaction.atomic
def guest_remove(*, guest: MeetingGuest) -> None:
    refuse_if_closed(guest.meeting)
    MeetingGuest.objects.filter(pk=guest.pk).delete()


@transaction.atomic
def recording_add(*, meeting: Meeting, title: str, file) -> MeetingRecording:
    """An audio file (by its first bytes), capped in size. A recording may come after the
    minutes are closed: it is shared with the partners, not part of the record."""
    audio_format = check_audio(file, max_bytes=settings.PROGRAMME_AUDIO_MAX_BYTES)
    recording = MeetingRecording(
        meeting=meeting, audio_format=audio_format, size=file.size, sha256=file_sha256(file)
    )
    return save(recording, title=title, file=file)
