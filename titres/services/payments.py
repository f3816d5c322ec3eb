"""Payments received on a titre, the reversal of a payment recorded by mistake, and the refund
of a trop-perçu (after a reduction of a paid titre) by mandat."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.services import save_validated as save
from titres import balances, titre_selectors
from titres.models import CHARGING_KINDS, Payment, PaymentReversal, Refund, RevenueTitle, TitreState
from titres.money import ZERO, format_euros, round_money


def _issued_charging(titre: RevenueTitle, message: str) -> RevenueTitle:
    titre = RevenueTitle.objects.select_for_update().get(pk=titre.pk)
    if titre.state != TitreState.ISSUED or titre.kind not in CHARGING_KINDS:
        raise ValidationError(message)
    return titre


def _check_day(day: datetime.date, field: str, earliest: datetime.date, message: str) -> None:
    if day < earliest:
        raise ValidationError({field: message})
    if day > timezone.localdate():
        raise ValidationError({field: _("La date ne peut être dans le futur.")})


@transaction.atomic
def payment_record(
    *, titre: RevenueTitle, paid_on: datetime.date, amount: Decimal, reference: str, user=None
) -> Payment:
    """A payment received; partial payments are fine, more than the balance is not."""
    titre = _issued_charging(titre, _("Un paiement s'enregistre sur un titre émis de paiement."))
    amount = round_money(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("Le montant du paiement doit être positif.")})
    if paid_on < titre.issued_on:
        raise ValidationError({"paid_on": _("Un paiement ne peut précéder l'émission du titre.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("La date du paiement ne peut être dans le futur.")})
    balance = titre_selectors.balance_of(titre)
    if balance.to_refund > ZERO:
        raise ValidationError(
            {
                "amount": _(
                    "Rien n'est dû sur ce titre : il a un trop-perçu à rembourser (%(left)s)."
                )
                % {"left": format_euros(balance.to_refund)}
            }
        )
    balance = balance.balance
    if amount > balance:
        raise ValidationError(
            {
                "amount": _("Le paiement dépasse le reste à recouvrer (%(balance)s).")
                % {"balance": format_euros(balance)}
            }
        )
    payment = save(
        Payment(titre=titre, recorded_by=user), paid_on=paid_on, amount=amount, reference=reference
    )
    balances.refresh([titre.pk])
    return payment


@transaction.atomic
def payment_reverse(
    *, payment: Payment, reversed_on: datetime.date, reason: str, user=None
) -> PaymentReversal:
    """Cancel a payment recorded by mistake by a counter-entry: the payment stays, with its
    reversal beside it, and counts no more in the titre's balance."""
    _issued_charging(payment.titre, _("Seul le paiement d'un titre émis se contre-passe."))
    payment = Payment.objects.select_related("titre").get(pk=payment.pk)
    if PaymentReversal.objects.filter(payment=payment).exists():
        raise ValidationError(_("Ce paiement est déjà contre-passé."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif de la contre-passation.")})
    _check_day(
        reversed_on,
        "reversed_on",
        payment.paid_on,
        _("Une contre-passation ne peut précéder le paiement qu'elle annule."),
    )
    reversal = save(
        PaymentReversal(payment=payment, recorded_by=user),
        reversed_on=reversed_on,
        reason=reason.strip(),
    )
    balances.refresh([payment.titre_id])
    return reversal


@transaction.atomic
def refund_record(
    *,
    titre: RevenueTitle,
    mandate_number: str,
    paid_on: datetime.date,
    amount: Decimal,
    user=None,
) -> Refund:
    """The trop-perçu of a titre paid back by mandat, up to what is to refund: it closes it."""
    titre = _issued_charging(
        titre, _("Un remboursement s'enregistre sur un titre émis de paiement.")
    )
    to_refund = titre_selectors.balance_of(titre).to_refund
    if to_refund <= ZERO:
        raise ValidationError(_("Ce titre n'a aucun trop-perçu à rembourser."))
    amount = round_money(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("Le montant du remboursement doit être positif.")})
    if amount > to_refund:
        raise ValidationError(
            {
                "amount": _("Le remboursement dépasse le trop-perçu à rembourser (%(left)s).")
                % {"left": format_euros(to_refund)}
            }
        )
    if not mandate_number.strip():
        raise ValidationError({"mandate_number": _("Indiquez le numéro du mandat.")})
    _check_day(
        paid_on,
        "paid_on",
        titre.issued_on,
        _("Un remboursement ne peut précéder l'émission du titre."),
    )
    refund = save(
        Refund(titre=titre, recorded_by=user),
        mandate_number=mandate_number.strip(),
        paid_on=paid_on,
        amount=amount,
    )
    balances.refresh([titre.pk])
    return refund
