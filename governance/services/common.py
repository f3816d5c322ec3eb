"""Helpers shared by the governance services."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Meeting
from ligeris.lib import french


def refuse_if_closed(meeting: Meeting) -> Meeting:
    """Lock the meeting row and refuse when its minutes are closed.

    The lock orders concurrent writes on one meeting: closing the minutes waits for a vote being
    recorded, and a vote recorded after the closing sees it.
    """
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.is_closed:
        raise ValidationError(
            _("Le procès-verbal de cette séance est clos : la séance ne peut plus être modifiée.")
        )
    return locked


def refuse_before_meeting(meeting: Meeting, message: str) -> None:
    """Attendance and votes are facts of the meeting: none before it has begun.

    `message` names the day and hour of the meeting with %(day)s and %(hour)s.
    """
    if meeting.starts_at > timezone.now():
        day = timezone.localdate(meeting.starts_at)
        raise ValidationError(
            message % {"day": f"{day:%d/%m/%Y}", "hour": french.hour(meeting.starts_at)}
        )
