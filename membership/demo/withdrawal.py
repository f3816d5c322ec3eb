"""The demo's withdrawing partner: a notice received a month ago, effective two months ahead."""

import datetime

from django.utils import timezone

from membership.models import WithdrawalNotice
from membership.services.withdrawal import add_months, notice_milestones_save, notice_record
from partners.models import Consortium, PartnerStatus

LEAVER = "CIAS de Chartres Métropole"


def load(consortium: Consortium, today: datetime.date | None = None) -> WithdrawalNotice | None:
    """Idempotent: a partner that already gave notice is left as it is."""
    today = today or timezone.localdate()
    partner = consortium.partners.filter(short_name=LEAVER).first()
    if partner is None or WithdrawalNotice.objects.filter(partner=partner).exists():
        return None
    if partner.status != PartnerStatus.MEMBER:
        return None
    notice = notice_record(
        partner=partner,
        received_on=add_months(today, -1),
        reference="1A 178 412 0937 5",
        today=today,
    )
    return notice_milestones_save(
        notice=notice,
        data_requested_on=today - datetime.timedelta(days=7),
        data_delivered_on=None,
        data_confirmed_on=None,
        today=today,
    )
