"""What follows a titre's issue besides corrections: refunds of a trop-perçu, the reversal of a
payment recorded by mistake, and what is carried over onto a debtor's next titres.

All are written once: a refund or a reversal is never changed or deleted (another entry corrects
it); a carry-over goes only with the batch in preparation that made it.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import money_field, user_field
from ligeris.lib.final import RECORD_IMMUTABLE, FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Partner, Tenant
from titres.models.documents import Payment, WriteOnce
from titres.models.titres import RevenueTitle, TitreBatch
from titres.models.years import FiscalYear


class Refund(WriteOnce):
    """A trop-perçu paid back to the debtor by mandat, after a reduction of a paid titre."""

    titre = models.ForeignKey(
        RevenueTitle, verbose_name=_("titre"), on_delete=models.PROTECT, related_name="refunds"
    )
    mandate_number = models.CharField(_("numéro du mandat"), max_length=50)
    paid_on = models.DateField(_("date du mandat"))
    amount = money_field(_("montant remboursé (€)"))
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    recorded_by = user_field(_("enregistré par"))

    objects = scoped_manager("titre__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_refund"
        verbose_name = _("remboursement de trop-perçu")
        verbose_name_plural = _("remboursements de trop-perçu")
        ordering = ["titre", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="refund_positive",
                violation_error_message=_("Le montant d'un remboursement est positif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titre.reference} : mandat {self.mandate_number}, {self.amount} €"


class PaymentReversal(WriteOnce):
    """The counter-entry of a payment recorded by mistake: the payment stays, it counts no more."""

    payment = models.OneToOneField(
        Payment, verbose_name=_("paiement"), on_delete=models.PROTECT, related_name="reversal"
    )
    reversed_on = models.DateField(_("date de la contre-passation"))
    reason = models.TextField(_("motif"))
    recorded_at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    recorded_by = user_field(_("enregistrée par"))

    objects = scoped_manager("payment__titre__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_paymentreversal"
        verbose_name = _("contre-passation de paiement")
        verbose_name_plural = _("contre-passations de paiements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="payment_reversal_has_reason",
                violation_error_message=_("Une annulation d'encaissement en donne le motif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment} — contre-passé le {self.reversed_on:%d/%m/%Y}"


class Carryover(models.Model):
    """What a debtor is owed when nothing remains to reduce on its titre: deducted, as a line,
    from its next titres (a penalty passed on, a true-up reduction of a titre already cancelled)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("exercice"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        TitreBatch,
        verbose_name=_("bordereau"),
        on_delete=models.PROTECT,
        related_name="carryovers",
    )
    run = models.ForeignKey(
        "billing.AllocationRun",
        verbose_name=_("répartition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    debtor = models.ForeignKey(
        Partner, verbose_name=_("débiteur"), on_delete=models.PROTECT, related_name="carryovers"
    )
    tenant = models.ForeignKey(
        Tenant,
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("libellé"), max_length=300)
    reason = models.CharField(_("motif du report"), max_length=300)
    amount = money_field(_("montant à déduire (€)"))
    created_at = models.DateTimeField(_("établi le"), auto_now_add=True)

    objects = scoped_manager("consortium")

    class Meta:
        db_table = "billing_carryover"
        verbose_name = _("report sur les prochains titres")
        verbose_name_plural = _("reports sur les prochains titres")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="carryover_positive",
                violation_error_message=_("Le montant d'un report est positif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debtor.short_name} : {self.amount} € — {self.label}"

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk).exists():
            raise ValidationError(RECORD_IMMUTABLE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if not TitreBatch.objects.filter(pk=self.batch_id, state="draft").exists():
            raise ValidationError(RECORD_IMMUTABLE)
        return super().delete(*args, **kwargs)
