"""Commitments, referents and requests: recorded with their times, each request's deadline
computed once from its commitment (calendar days, months, or working hours)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments import working_time
from commitments.models import (
    DEFAULT_DELAYS,
    Commitment,
    CommitmentKind,
    DelayUnit,
    Referent,
    ServiceRequest,
)
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Partner
from partners.selectors import add_months


def deadline(commitment: Commitment, starts_at: datetime.datetime) -> datetime.datetime:
    if commitment.unit == DelayUnit.WORKING_HOURS:
        return working_time.add_working_hours(starts_at, commitment.delay)
    local = starts_at.astimezone(working_time.PARIS)
    if commitment.unit == DelayUnit.MONTHS:
        day = add_months(local.date(), commitment.delay)
        return datetime.datetime.combine(day, local.timetz())
    return local + datetime.timedelta(days=commitment.delay)


@transaction.atomic
def commitment_save(*, consortium: Consortium, kind: str, service=None, delay=None, unit=None):
    """A commitment, the seed's delay by default (a week, a month, four working hours)."""
    if service is not None and service.consortium_id != consortium.pk:
        raise ValidationError({"service": _("Ce service n'est pas au catalogue du groupement.")})
    default_delay, default_unit = DEFAULT_DELAYS[CommitmentKind(kind)]
    row = Commitment.objects.filter(consortium=consortium, service=service, kind=kind).first()
    return save(
        row or Commitment(consortium=consortium, service=service, kind=kind),
        delay=delay or default_delay,
        unit=unit or default_unit,
    )


@transaction.atomic
def referent_save(*, partner: Partner, name: str, email: str, phone: str = "") -> Referent:
    row = Referent.objects.filter(partner=partner).first()
    return save(
        row or Referent(consortium_id=partner.consortium_id, partner=partner),
        name=name,
        email=email,
        phone=phone,
    )


def _check_times(received_at, complete_at, answered_at) -> None:
    now = timezone.now()
    for name, value in (("received_at", received_at), ("complete_at", complete_at),
                        ("answered_at", answered_at)):  # fmt: skip
        if value is not None and value > now:
            raise ValidationError({name: _("Cette heure est encore à venir.")})


def _due(commitment, received_at, complete_at):
    if commitment.kind == CommitmentKind.COMMISSIONING:
        return deadline(commitment, complete_at) if complete_at else None
    return deadline(commitment, received_at)


@transaction.atomic
def request_record(
    *,
    consortium: Consortium,
    partner: Partner,
    commitment: Commitment,
    subject: str,
    received_at: datetime.datetime,
    complete_at=None,
    answered_at=None,
    user=None,
) -> ServiceRequest:
    if partner.consortium_id != consortium.pk or commitment.consortium_id != consortium.pk:
        raise ValidationError(_("Ce membre ou cet engagement n'est pas du groupement."))
    _check_times(received_at, complete_at, answered_at)
    return save(
        ServiceRequest(consortium=consortium, partner=partner, recorded_by=user),
        commitment=commitment,
        subject=subject,
        received_at=received_at,
        complete_at=complete_at,
        answered_at=answered_at,
        due_at=_due(commitment, received_at, complete_at),
    )


@transaction.atomic
def request_update(
    *, request: ServiceRequest, complete_at=None, answered_at=None
) -> ServiceRequest:
    """The times that come later: everything provided, then the answer; never changed once set."""
    request = (
        ServiceRequest.objects.select_for_update().select_related("commitment").get(pk=request.pk)
    )
    if request.answered_at is not None:
        raise ValidationError(_("Cette demande est déjà traitée : ses heures ne changent plus."))
    if complete_at is None and answered_at is None:
        raise ValidationError(_("Renseignez l'heure où tout a été fourni ou celle du traitement."))
    _check_times(request.received_at, complete_at, answered_at)
    complete_at = request.complete_at or complete_at
    return save(
        request,
        complete_at=complete_at,
        answered_at=answered_at,
        due_at=_due(request.commitment, request.received_at, complete_at),
    )
