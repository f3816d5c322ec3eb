"""Corrections: a cancellation or a reduction titre that references the titre it corrects."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import titre_selectors
from billing.models import (
    CHARGING_KINDS,
    BatchState,
    RevenueTitle,
    TitreBatch,
    TitreKind,
    TitreState,
)
from billing.money import ZERO, format_euros, round_money
from billing.services.titres.common import (
    BATCH,
    check_issue_date,
    create_titre,
    next_number,
    queue_batch,
    settings_required,
)
from billing.services.titres.issuing import titre_issue
from ligeris.lib.services import save_validated as save


@transaction.atomic
def titre_correct(
    *,
    original: RevenueTitle,
    kind: str,
    reason: str,
    issue_date: datetime.date,
    amount: Decimal | None = None,
    user=None,
) -> RevenueTitle:
    """Issue a cancellation (what remains of the original) or a reduction (a part of it)."""
    original = RevenueTitle.objects.select_for_update().get(pk=original.pk)
    if original.state != TitreState.ISSUED or original.kind not in CHARGING_KINDS:
        raise ValidationError(_("Seul un titre émis de paiement peut être annulé ou réduit."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")})
    check_issue_date(issue_date)
    if issue_date < original.issued_on:
        raise ValidationError(
            {"issue_date": _("Une correction ne peut pas précéder le titre qu'elle corrige.")}
        )
    # Rounded: SQLite computes the annotation in floating point (5839.03000000000).
    remaining = round_money(
        titre_selectors.with_balance(RevenueTitle.objects.filter(pk=original.pk)).get().net
    )
    if remaining <= ZERO:
        raise ValidationError(_("Ce titre est déjà entièrement annulé."))
    if kind == TitreKind.CANCELLATION:
        amount = remaining
    elif kind == TitreKind.REDUCTION:
        amount = round_money(amount or 0)
        if amount <= ZERO:
            raise ValidationError({"amount": _("Le montant de la réduction doit être positif.")})
        if amount >= remaining:
            raise ValidationError(
                {
                    "amount": _(
                        "La réduction doit rester inférieure à %(remaining)s : pour le tout, "
                        "émettez un titre d'annulation."
                    )
                    % {"remaining": format_euros(remaining)}
                }
            )
    else:
        raise ValidationError(_("Nature de correction inconnue."))
    label = (
        _("Annulation du titre n° %(reference)s du %(date)s")
        if kind == TitreKind.CANCELLATION
        else _("Réduction du titre n° %(reference)s du %(date)s")
    ) % {"reference": original.reference, "date": original.issued_on.strftime("%d/%m/%Y")}
    base = _("montant initial %(total)s, restant avant correction %(remaining)s") % {
        "total": format_euros(original.total),
        "remaining": format_euros(remaining),
    }
    consortium = original.consortium
    batch = save(
        TitreBatch(fiscal_year=original.fiscal_year, created_by=user),
        issue_date=issue_date,
        state=BatchState.ISSUED,
        number=next_number(consortium, issue_date.year, BATCH),
        issued_at=timezone.now(),
        issued_by=user,
    )
    settings = settings_required(consortium)
    titre = create_titre(
        batch=batch,
        kind=kind,
        debtor=original.debtor,
        tenant=original.tenant,
        run=None,
        lines=[(label, base, amount, None)],
        threshold=settings.recovery_threshold,
        original=original,
        reason=reason.strip(),
        object_text=label,
    )
    titre = titre_issue(titre=titre, user=user)
    queue_batch(batch)
    return titre
