"""Drafts whose lines another way of computing gives (the catalogue of services): the same
batches, numbering and issuing as the titres of a run, the amounts computed by the caller."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Consortium
from titres.models import CHARGING_KINDS, FiscalYear, RevenueTitle, TitreBatch
from titres.money import ZERO
from titres.services.common import (
    Draft,
    check_issue_date,
    create_titres,
    draft_batch,
    settings_required,
)


@transaction.atomic
def drafts_from_lines(
    *,
    consortium: Consortium,
    year: int,
    issue_date: datetime.date,
    drafts: list[Draft],
    user=None,
) -> tuple[TitreBatch, list[RevenueTitle]]:
    """The caller's drafts (charging titres with positive lines, none to the coordinator) in the
    batch in preparation for `issue_date`, under the fiscal year `year` (created if needed)."""
    settings = settings_required(consortium)
    check_issue_date(issue_date)
    for draft in drafts:
        if draft.kind not in CHARGING_KINDS or draft.run is not None or draft.original:
            raise ValidationError(_("Seuls des titres de paiement s'établissent ainsi."))
        if draft.debtor.consortium_id != consortium.pk:
            raise ValidationError(_("Le débiteur n'est pas membre de ce groupement."))
        if draft.debtor.pk == consortium.coordinator_id:
            raise ValidationError(_("Le coordonnateur ne s'adresse pas de titre."))
        if not draft.lines or any(line.amount <= ZERO for line in draft.lines):
            raise ValidationError(_("Chaque ligne d'un titre est d'un montant positif."))
        if any(line.share or line.reduces or line.carryover for line in draft.lines):
            raise ValidationError(_("Ces lignes ne viennent ni d'une répartition ni d'un titre."))
    fiscal_year, _created = FiscalYear.objects.get_or_create(consortium=consortium, year=year)
    batch = draft_batch(fiscal_year, issue_date, user)
    return batch, create_titres(batch, drafts, settings.recovery_threshold)
