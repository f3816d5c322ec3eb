"""Payments received on a titre."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import titre_selectors
from billing.models import (
    CHARGING_KINDS,
    Payment,
    RevenueTitle,
    TitreState,
)
from billing.money import ZERO, format_euros, round_money
from ligeris.lib.services import save_validated as save


@transaction.atomic
def payment_record(
    *, titre: RevenueTitle, paid_on: datetime.date, amount: Decimal, reference: str, user=None
) -> Payment:
    """A payment received; partial payments are fine, more than the balance is not."""
    titre = RevenueTitle.objects.select_for_update().get(pk=titre.pk)
    if titre.state != TitreState.ISSUED or titre.kind not in CHARGING_KINDS:
        raise ValidationError(_("Un paiement s'enregistre sur un titre émis de paiement."))
    amount = round_money(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("Le montant du paiement doit être positif.")})
    if paid_on < titre.issued_on:
        raise ValidationError({"paid_on": _("Un paiement ne peut précéder l'émission du titre.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("La date du paiement ne peut être dans le futur.")})
    balance = round_money(
        titre_selectors.with_balance(RevenueTitle.objects.filter(pk=titre.pk)).get().balance
    )
    if amount > balance:
        raise ValidationError(
            {
                "amount": _("Le paiement dépasse le reste à recouvrer (%(balance)s).")
                % {"balance": format_euros(balance)}
            }
        )
    return save(
        Payment(titre=titre, recorded_by=user), paid_on=paid_on, amount=amount, reference=reference
    )
