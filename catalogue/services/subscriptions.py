"""Commissioning reports and the subscriptions they start."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalogue.models import CommissioningReport, Service, Subscription
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Partner


def first_of_next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


@transaction.atomic
def report_record(
    *, consortium: Consortium, partner: Partner, signed_on: datetime.date, signatories: str, note=""
) -> CommissioningReport:
    if partner.consortium_id != consortium.pk:
        raise ValidationError({"partner": _("Ce partenaire n'est pas membre du groupement.")})
    if not [line for line in signatories.splitlines() if line.strip()]:
        raise ValidationError({"signatories": _("Un procès-verbal porte ses signataires.")})
    return save(
        CommissioningReport(consortium=consortium, partner=partner),
        signed_on=signed_on,
        signatories=signatories.strip(),
        note=note,
    )


@transaction.atomic
def subscription_create(
    *, report: CommissioningReport, service: Service, quantity: Decimal, ends_on=None
) -> Subscription:
    """From the first day of the month after the report (seed 004)."""
    if service.consortium_id != report.consortium_id:
        raise ValidationError({"service": _("Ce service n'est pas au catalogue du groupement.")})
    if service.withdrawn_on:
        raise ValidationError({"service": _("Ce service est retiré du catalogue.")})
    return save(
        Subscription(consortium_id=report.consortium_id, partner_id=report.partner_id),
        service=service,
        report=report,
        quantity=quantity,
        starts_on=first_of_next_month(report.signed_on),
        ends_on=ends_on,
    )


@transaction.atomic
def subscription_end(*, subscription: Subscription, ends_on: datetime.date) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.ends_on and subscription.ends_on < ends_on:
        raise ValidationError({"ends_on": _("Cet abonnement a déjà pris fin.")})
    return save(subscription, ends_on=ends_on)
