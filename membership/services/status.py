"""The one place a partner's status changes: every membership event goes through here."""

import datetime

from django.db import transaction

from governance.models import Seat
from partners.models import Partner, PartnerStatus
from partners.services import partner_save


@transaction.atomic
def status_set(
    *,
    partner: Partner,
    status: PartnerStatus,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Partner:
    """Set the status, and the membership dates billing prorates equal shares on (DESIGN §5):
    `since` an admission's opening date, `until` a withdrawal's or an exclusion's effective date."""
    fields: dict = {"status": status}
    if since is not None:
        fields["member_since"] = since
    if until is not None:
        fields["member_until"] = until
    return partner_save(partner=partner, **fields)


@transaction.atomic
def seats_end(*, partner: Partner) -> int:
    """A partner that has left or been excluded sits nowhere any more (article 6)."""
    seats = list(Seat.objects.select_for_update().filter(partner=partner, is_active=True))
    for seat in seats:
        seat.is_active = False
        seat.save(update_fields=["is_active"])
    return len(seats)
