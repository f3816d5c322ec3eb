"""The one place a partner's status changes: every membership event goes through here."""

from django.db import transaction

from partners.models import Partner, PartnerStatus
from partners.services import partner_save


@transaction.atomic
def status_set(*, partner: Partner, status: PartnerStatus) -> Partner:
    return partner_save(partner=partner, status=status)
