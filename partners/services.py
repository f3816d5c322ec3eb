"""Writes on the consortium, its partners and their tenants.

Every function validates, then writes inside one transaction: a refused change leaves nothing
behind. Errors are ValidationError with a French message, keyed by form field where one fits.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ligeris.lib.services import save_validated as _save
from partners import signals
from partners.models import (
    Amendment,
    Consortium,
    Convention,
    Holding,
    Organisation,
    Partner,
    Person,
    Tenant,
)
from partners.models.organisations import LEGAL_FIELDS


@transaction.atomic
def consortium_set_coordinator(*, consortium: Consortium, coordinator: Partner) -> Consortium:
    return _save(consortium, coordinator=coordinator)


@transaction.atomic
def convention_save(*, convention: Convention, **fields: Any) -> Convention:
    return _save(convention, **fields)


@transaction.atomic
def amendment_save(*, amendment: Amendment, **fields: Any) -> Amendment:
    return _save(amendment, **fields)


@transaction.atomic
def partner_save(*, partner: Partner, **fields: Any) -> Partner:
    return _save(partner, **fields)


def partners_bulk_create(partners: Iterable[Partner], *, batch_size: int = 1000) -> list[Partner]:
    """Partners built with their SIRET and address (generators, fixtures): their organisations
    are reused by SIRET or created, in bulk like the partners. Rows are trusted, not validated."""
    partners = list(partners)
    sirets = {partner.siret for partner in partners}
    known = {o.siret: o for o in Organisation.objects.filter(siret__in=sirets)}
    new = {}
    for partner in partners:
        siret = partner.siret
        if siret not in known and siret not in new:
            new[siret] = Organisation(
                name=partner.name, **{name: getattr(partner, name) for name in LEGAL_FIELDS}
            )
    Organisation.objects.bulk_create(new.values(), batch_size=batch_size)
    for partner in partners:
        partner.organisation = known.get(partner.siret) or new[partner.siret]
        partner._legal_pending = {}
    return Partner.objects.bulk_create(partners, batch_size=batch_size)


@transaction.atomic
def person_save(*, person: Person, **fields: Any) -> Person:
    return _save(person, **fields)


@transaction.atomic
def tenant_create(
    *,
    consortium: Consortium,
    code: str,
    name: str,
    opened_on: datetime.date,
    payer: Partner,
    co_holders: list[Partner] | tuple[Partner, ...] = (),
    deployed_on: datetime.date | None = None,
) -> Tenant:
    """A tenant is born with its payer: it is never without one."""
    tenant = _save(
        Tenant(consortium=consortium),
        code=code,
        name=name,
        opened_on=opened_on,
        deployed_on=deployed_on,
    )
    holding_add(tenant=tenant, partner=payer, is_payer=True)
    for partner in co_holders:
        holding_add(tenant=tenant, partner=partner)
    return tenant


@transaction.atomic
def tenant_save(*, tenant: Tenant, **fields: Any) -> Tenant:
    closed_on = fields.get("closed_on")
    if closed_on is not None:
        stored = Tenant.objects.filter(pk=tenant.pk).values_list("closed_on", flat=True).first()
        if closed_on != stored:
            # Whoever may forbid it (an exclusion's data-recovery period) says so before saving.
            signals.tenant_closing.send(sender=Tenant, tenant=tenant, closed_on=closed_on)
    return _save(tenant, **fields)


@transaction.atomic
def holding_add(*, tenant: Tenant, partner: Partner, is_payer: bool = False) -> Holding:
    if partner.consortium_id != tenant.consortium_id:
        raise ValidationError(
            {"partner": _("Ce partenaire n'appartient pas au groupement du tenant.")}
        )
    # Lock the tenant so two concurrent additions cannot both pass the payer check.
    Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
    if tenant.holdings.filter(partner=partner).exists():
        raise ValidationError(
            {"partner": _("%(partner)s détient déjà ce tenant.") % {"partner": partner}}
        )
    if is_payer:
        current = tenant.holdings.filter(is_payer=True).select_related("partner").first()
        if current is not None:
            raise ValidationError(
                {
                    "is_payer": _(
                        "Ce tenant a déjà un interlocuteur financier unique (%(payer)s). Un tenant "
                        "n'a qu'un payeur : désignez le nouveau depuis la fiche du tenant."
                    )
                    % {"payer": current.partner}
                }
            )
    elif not tenant.holdings.filter(is_payer=True).exists():
        raise ValidationError({"is_payer": _("Le premier détenteur d'un tenant en est le payeur.")})
    try:
        with transaction.atomic():
            return _save(Holding(tenant=tenant, partner=partner), is_payer=is_payer)
    except IntegrityError:  # a concurrent request won the race
        raise ValidationError(_("Ce tenant a déjà un interlocuteur financier unique.")) from None


@transaction.atomic
def holding_make_payer(*, holding: Holding) -> Holding:
    """Move the payer role to this holding: the old payer stops being one in the same step."""
    Tenant.objects.select_for_update().filter(pk=holding.tenant_id).first()
    for previous in holding.tenant.holdings.filter(is_payer=True).exclude(pk=holding.pk):
        _save(previous, is_payer=False)
    return _save(holding, is_payer=True)


@transaction.atomic
def holding_remove(*, holding: Holding) -> None:
    if holding.is_payer:
        raise ValidationError(
            _(
                "%(partner)s est l'interlocuteur financier unique de ce tenant : désignez d'abord "
                "un autre payeur."
            )
            % {"partner": holding.partner}
        )
    holding.delete()
