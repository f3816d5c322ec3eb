"""A partner's withdrawal (article 8): the notice, its effective date, and its application.

Recording the notice makes the partner "withdrawing", fixes the end of its membership and
charges the grid's withdrawal fees to it. On the effective date `withdrawal_apply` makes it
"withdrawn": its seats end and its tenants close, except those a remaining member co-holds,
which stay open with that member (the leaver's holding goes, the payer role moving to the
remaining holder if the leaver had it).
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import PoolCategory, TariffLineKind
from billing.services.charges import grid_charges_to_partner
from governance.selectors import VOTING_STATUSES
from ligeris.lib.services import save_validated
from membership.models import WithdrawalNotice
from membership.services.status import seats_end, status_set
from partners import services as partner_services
from partners.models import Consortium, Partner, PartnerStatus, Tenant
from titres.models import FiscalYear

DEFAULT_NOTICE_MONTHS = 3
logger = logging.getLogger(__name__)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day (30 November + 3 → 28 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def notice_months(consortium: Consortium) -> int:
    convention = consortium.conventions.order_by("-starts_on").first()
    return convention.notice_months if convention is not None else DEFAULT_NOTICE_MONTHS


def effective_date(consortium: Consortium, received_on: datetime.date) -> datetime.date:
    """Receipt + the convention's notice; under the seed 004 rule, the next 1 January at least
    that far after receipt (10 May 2026 → 1 January 2027; 15 October 2026 → 1 January 2028)."""
    earliest = add_months(received_on, notice_months(consortium))
    if not consortium.withdrawal_on_january:
        return earliest
    if (earliest.month, earliest.day) == (1, 1):
        return earliest
    return datetime.date(earliest.year + 1, 1, 1)


def _charge_fees(notice: WithdrawalNotice) -> int:
    """The grid's withdrawal lines of the year the withdrawal takes effect, once."""
    fiscal_year = FiscalYear.objects.filter(
        consortium=notice.partner.consortium_id, year=notice.effective_on.year
    ).first()
    if fiscal_year is None:  # not opened yet: charged when the withdrawal is applied
        return 0
    pools = grid_charges_to_partner(
        fiscal_year=fiscal_year,
        partner=notice.partner,
        kind=TariffLineKind.WITHDRAWAL,
        category=PoolCategory.WITHDRAWAL,
        day=notice.effective_on,
        prefix="retrait",
    )
    return len(pools)


@transaction.atomic
def notice_record(
    *,
    partner: Partner,
    received_on: datetime.date,
    reference: str = "",
    scan=None,
    user=None,
    today: datetime.date | None = None,
) -> WithdrawalNotice:
    """Record the registered letter; nothing is saved if it is refused."""
    today = today or timezone.localdate()
    partner = Partner.objects.select_for_update().select_related("consortium").get(pk=partner.pk)
    if received_on > today:
        raise ValidationError(
            {
                "received_on": _(
                    "La date de réception du préavis (%(day)s) est dans le futur : un préavis "
                    "s'enregistre une fois reçu."
                )
                % {"day": received_on.strftime("%d/%m/%Y")}
            }
        )
    if partner.status != PartnerStatus.MEMBER:
        raise ValidationError(
            _("%(partner)s n'est pas membre du groupement (%(status)s) : pas de retrait.")
            % {"partner": partner, "status": partner.get_status_display().lower()}
        )
    if partner.is_coordinator:
        raise ValidationError(
            _("Le coordonnateur ne peut se retirer sans qu'un autre coordonnateur soit désigné.")
        )
    if WithdrawalNotice.objects.filter(partner=partner).exists():
        raise ValidationError(_("Un préavis de retrait est déjà enregistré pour ce partenaire."))
    notice = save_validated(
        WithdrawalNotice(partner=partner, recorded_by=user),
        received_on=received_on,
        reference=reference,
        scan=scan or "",
        effective_on=effective_date(partner.consortium, received_on),
    )
    status_set(partner=partner, status=PartnerStatus.WITHDRAWING)
    partner_services.partner_save(partner=partner, member_until=notice.effective_on)
    _charge_fees(notice)
    return notice


@transaction.atomic
def notice_milestones_save(
    *,
    notice: WithdrawalNotice,
    data_requested_on: datetime.date | None,
    data_delivered_on: datetime.date | None,
    data_confirmed_on: datetime.date | None,
    today: datetime.date | None = None,
) -> WithdrawalNotice:
    """The return of the leaver's data: requested, delivered, confirmed, in that order."""
    today = today or timezone.localdate()
    days = {
        "data_requested_on": data_requested_on,
        "data_delivered_on": data_delivered_on,
        "data_confirmed_on": data_confirmed_on,
    }
    errors = {
        name: _("Cette date est dans le futur.")
        for name, day in days.items()
        if day and day > today
    }
    if data_delivered_on and (not data_requested_on or data_delivered_on < data_requested_on):
        errors.setdefault(
            "data_delivered_on", _("Les données sont remises après la demande de restitution.")
        )
    if data_confirmed_on and (not data_delivered_on or data_confirmed_on < data_delivered_on):
        errors.setdefault(
            "data_confirmed_on", _("La réception se confirme après la remise des données.")
        )
    if errors:
        raise ValidationError(errors)
    notice = WithdrawalNotice.objects.select_for_update().get(pk=notice.pk)
    return save_validated(notice, **days)


def _tenant_leave(tenant: Tenant, partner: Partner, day: datetime.date) -> None:
    holdings = list(tenant.holdings.select_related("partner").order_by("partner__name"))
    remaining = [
        h for h in holdings if h.partner_id != partner.pk and h.partner.status in VOTING_STATUSES
    ]
    if not remaining:
        # Closed the day before the withdrawal takes effect: 1 January closes it on 31 December.
        last_day = day - datetime.timedelta(days=1)
        partner_services.tenant_save(tenant=tenant, closed_on=max(last_day, tenant.opened_on))
        return
    own = next(h for h in holdings if h.partner_id == partner.pk)
    if own.is_payer:
        partner_services.holding_make_payer(holding=remaining[0])
        own.refresh_from_db()
    partner_services.holding_remove(holding=own)


@transaction.atomic
def withdrawal_apply(*, notice: WithdrawalNotice, today: datetime.date | None = None) -> bool:
    """The effective date has come: the partner is withdrawn. False if it already was."""
    today = today or timezone.localdate()
    notice = (
        WithdrawalNotice.objects.select_for_update().select_related("partner").get(pk=notice.pk)
    )
    if notice.applied_at is not None:
        return False
    if notice.effective_on > today:
        raise ValidationError(
            _("Le retrait ne prend effet que le %(day)s.")
            % {"day": notice.effective_on.strftime("%d/%m/%Y")}
        )
    partner = notice.partner
    day = notice.effective_on
    open_tenants = Tenant.objects.filter(holdings__partner=partner).exclude(closed_on__lte=day)
    for tenant in open_tenants.select_for_update().order_by("code"):
        _tenant_leave(tenant, partner, day)
    seats_end(partner=partner)
    status_set(partner=partner, status=PartnerStatus.WITHDRAWN)
    partner_services.partner_save(partner=partner, member_until=day)
    _charge_fees(notice)
    notice.applied_at = timezone.now()
    notice.save(update_fields=["applied_at"])
    return True


def withdrawals_apply_due(
    *, today: datetime.date | None = None, notice_ids: list[int] | None = None
) -> int:
    """Apply every notice whose effective date has come (or those of `notice_ids`); the count.

    Each in its own transaction, so one refused withdrawal does not hold back the others.
    """
    today = today or timezone.localdate()
    due = WithdrawalNotice.objects.filter(applied_at__isnull=True, effective_on__lte=today)
    if notice_ids is not None:
        due = due.filter(pk__in=notice_ids)
    applied = 0
    for notice in due.order_by("effective_on", "pk"):
        try:
            applied += withdrawal_apply(notice=notice, today=today)
        except ValidationError as error:  # left for staff; retried the next day
            logger.warning("Retrait %s non appliqué : %s", notice.pk, "; ".join(error.messages))
    return applied
