"""Dashboard rows from what main already records (the membership files bring their own)."""

from django.utils.translation import gettext as _

from governance.models import Decision
from membership.selectors.timeline.common import day_of
from partners.models import Consortium


def membership_decisions_pending(consortium: Consortium) -> list[dict]:
    """Admissions and exclusions on the agenda of a meeting whose minutes are not closed yet."""
    decisions = Decision.objects.filter(
        concerned_partner__isnull=False,
        item__meeting__body__consortium=consortium,
        item__meeting__minutes_closed_at__isnull=True,
    ).select_related("item__meeting__body", "concerned_partner")
    return [
        {
            "day": day_of(decision.item.meeting.starts_at),
            "title": _("%(kind)s : %(partner)s, %(body)s")
            % {
                "kind": decision.get_kind_display(),
                "partner": decision.concerned_partner,
                "body": decision.item.meeting.body,
            },
            "url": decision.item.meeting.get_absolute_url(),
            "partner": decision.concerned_partner,
        }
        for decision in decisions
    ]
