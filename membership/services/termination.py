"""Termination by common accord: recorded on the convention, its costs put in billing's pools."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.services.termination import reversibility_charges_create, termination_pool_open
from governance.models import Decision
from membership.models import Termination
from membership.services.amendments import PARTY_STATUSES
from partners.models import Convention, Tenant
from partners.selectors import current_convention
from titres.models import FiscalYear


def effective_date(decided_on: datetime.date) -> datetime.date:
    """The end of the fiscal year of the decision: the year's services are performed and paid
    for in full (commitments honoured), and a titre year is never cut in two."""
    return datetime.date(decided_on.year, 12, 31)


@transaction.atomic
def termination_record(*, decision: Decision) -> Termination:
    """Applied when the minutes close with the termination adopted (a refusal refuses them)."""
    existing = Termination.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    consortium = decision.item.meeting.body.consortium
    convention = current_convention(consortium)
    if convention is None:
        raise ValidationError(_("Le groupement n'a pas de convention à résilier."))
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if Termination.objects.filter(convention=convention).exists():
        raise ValidationError(_("La résiliation de cette convention est déjà décidée."))
    decided_on = timezone.localdate(decision.item.meeting.starts_at)
    effective_on = effective_date(decided_on)
    fiscal_year = FiscalYear.objects.filter(consortium=consortium, year=effective_on.year).first()
    if fiscal_year is None or not hasattr(fiscal_year, "grid"):
        raise ValidationError(
            _(
                "Créez l'exercice %(year)s et sa grille tarifaire avant de clore : les frais de "
                "résiliation et de réversibilité y sont imputés."
            )
            % {"year": effective_on.year}
        )
    termination = Termination(
        convention=convention, decision=decision, decided_on=decided_on, effective_on=effective_on
    )
    termination.full_clean()
    termination.save()
    members = list(consortium.partners.filter(status__in=PARTY_STATUSES).order_by("name"))
    tenants = list(
        Tenant.objects.filter(consortium=consortium)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=decided_on))
        .order_by("code")
    )
    termination_pool_open(fiscal_year=fiscal_year)
    reversibility_charges_create(fiscal_year=fiscal_year, partners=members, tenants=tenants)
    return termination
