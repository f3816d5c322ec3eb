"""A partner's whole story in date order: every source gives its events, this merges them.

Each source is a function `(partner) -> list[TimelineEvent]` reading one kind of file; the
membership files (candidacy, notices, exclusion cases, amendment approvals) add their own
`membership/selectors/<area>.py::timeline_events` with one line in SOURCES.
"""

import datetime
from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

from membership.selectors import admission, amendments, exclusion, withdrawal
from membership.selectors.timeline import billing, governance, partners
from membership.selectors.timeline.common import GOVERNANCE, LETTERS, MEMBERSHIP, MONEY, TENANTS
from membership.timeline_types import TimelineEvent
from partners.models import Partner

Source = Callable[[Partner], list[TimelineEvent]]

#: The filters of the page, in the order it shows them.
CATEGORIES = {
    MEMBERSHIP: _("Adhésion, statut et avenants"),
    GOVERNANCE: _("Gouvernance"),
    TENANTS: _("Tenants"),
    MONEY: _("Finances"),
    LETTERS: _("Courriers et délais"),
}

SOURCES: list[Source] = [
    partners.record_events,
    partners.amendment_events,
    partners.tenant_events,
    partners.holding_events,
    governance.seat_events,
    governance.decision_events,
    governance.vote_events,
    billing.share_events,
    billing.titre_events,
    billing.payment_events,
    billing.refund_events,
    admission.timeline_events,
    withdrawal.timeline_events,
    exclusion.timeline_events,
    amendments.timeline_events,
]


def timeline(
    partner: Partner,
    categories: Iterable[str] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> list[TimelineEvent]:
    """Every source's events about the partner, by day, then by `order` within a day.

    `categories` None or empty keeps them all; `since` and `until` are included.
    """
    wanted = set(categories or ())
    events = [
        event
        for source in SOURCES
        for event in source(partner)
        if (not wanted or event.category in wanted)
        and (since is None or event.day >= since)
        and (until is None or event.day <= until)
    ]
    # sorted() is stable: same day and order keep the sources' order.
    return sorted(events, key=lambda event: (event.day, event.order))
