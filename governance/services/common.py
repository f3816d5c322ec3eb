"""Helpers shared by the governance services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from governance.models import Meeting


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
