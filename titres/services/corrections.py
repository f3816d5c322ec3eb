"""Corrections: a cancellation or a reduction titre that references the titre it corrects."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.services import save_validated as save
from titres import titre_selectors
from titres.models import (
    CHARGING_KINDS,
    BatchState,
    RevenueTitle,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreState,
)
from titres.money import ZERO, format_euros, from_cents, round_money, split_cents, to_cents
from titres.remaining import Target, targets_of
from titres.services.common import (
    BATCH,
    Line,
    check_issue_date,
    create_titre,
    next_number,
    queue_batch,
    settings_required,
)
from titres.services.issuing import titre_issue


def _spread(amount: Decimal, targets: list[Target]) -> list[tuple[Target, Decimal]]:
    """A reduction of the whole titre, on its lines in proportion to what remains of each."""
    left = sum((t.remaining for t in targets), ZERO)
    if amount > left:
        raise ValidationError(
            _("Les lignes de ce titre n'ont plus que %(left)s à réduire.")
            % {"left": format_euros(left)}
        )
    cents = split_cents(
        to_cents(amount),
        [to_cents(t.remaining) for t in targets],
        [f"{t.line.position:05d}" for t in targets],
    )
    return [(t, from_cents(c)) for t, c in zip(targets, cents, strict=True) if c > 0]


def _on_line(amount: Decimal, targets: list[Target], line) -> list[tuple[Target, Decimal]]:
    """A reduction of one line of the titre, never beyond what remains of it."""
    line_id = getattr(line, "pk", line)
    target = next((t for t in targets if t.line.pk == line_id), None)
    if target is None:
        raise ValidationError({"line": _("Cette ligne n'est pas une ligne du titre corrigé.")})
    if amount > target.remaining:
        raise ValidationError(
            {
                "amount": _("La ligne « %(line)s » n'a plus que %(left)s à réduire.")
                % {"line": target.line.label, "left": format_euros(target.remaining)}
            }
        )
    return [(target, amount)]


def _amount(kind: str, amount: Decimal | None, remaining: Decimal) -> Decimal:
    if kind == TitreKind.CANCELLATION:
        return remaining
    if kind != TitreKind.REDUCTION:
        raise ValidationError(_("Nature de correction inconnue."))
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
    return amount


@transaction.atomic
def titre_correct(
    *,
    original: RevenueTitle,
    kind: str,
    reason: str,
    issue_date: datetime.date,
    amount: Decimal | None = None,
    line: TitreLine | int | None = None,
    user=None,
) -> RevenueTitle:
    """Issue a cancellation (what remains of the original) or a reduction (a part of it).

    Line by line: each line of the correction names the line of the original it reduces, never
    beyond what remains of it; a reduction of the whole titre goes on its lines in proportion
    to what remains of each, or on the one `line` chosen.
    """
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
    remaining = titre_selectors.balance_of(original).net
    if remaining <= ZERO:
        raise ValidationError(_("Ce titre est déjà entièrement annulé."))
    amount = _amount(kind, amount, remaining)
    targets = targets_of([original], holding=(TitreState.ISSUED,))[0][original.pk]
    on_one_line = line and kind == TitreKind.REDUCTION  # a cancellation takes every line
    chosen = _on_line(amount, targets, line) if on_one_line else _spread(amount, targets)
    lines = [
        Line(
            target.line.label,
            _("ligne initiale %(initial)s, restant avant correction %(remaining)s")
            % {
                "initial": format_euros(target.line.amount),
                "remaining": format_euros(target.remaining),
            },
            part,
            reduces=target.line,
        )
        for target, part in chosen
    ]
    label = (
        _("Annulation du titre n° %(reference)s du %(date)s")
        if kind == TitreKind.CANCELLATION
        else _("Réduction du titre n° %(reference)s du %(date)s")
    ) % {"reference": original.reference, "date": original.issued_on.strftime("%d/%m/%Y")}
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
        lines=lines,
        threshold=settings.recovery_threshold,
        original=original,
        reason=reason.strip(),
        object_text=label,
    )
    titre = titre_issue(titre=titre, user=user)
    queue_batch(batch)
    return titre
