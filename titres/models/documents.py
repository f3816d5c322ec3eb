"""What a titre leaves behind once issued: its PDF, its e-mails, the payments received on it;
and the chunks of a batch's rendering, each done by one task.

The PDF and the payments are written once and never changed (PostgreSQL refuses raw SQL too).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import money_field, user_field
from ligeris.lib.final import FinalRows, FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from titres.models.titres import NOT_ISSUED, RevenueTitle, TitreBatch


class WriteOnce(FinalRows):
    """A row written once and never changed or deleted (PostgreSQL refuses raw SQL too)."""

    class Meta:
        abstract = True


class TitreDocument(WriteOnce):
    """The PDF of an issued titre, as sent: its bytes and their SHA-256."""

    refused_parents = {"titre": NOT_ISSUED}

    titre = models.OneToOneField(
        RevenueTitle, verbose_name=_("titre"), on_delete=models.PROTECT, related_name="document"
    )
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"))
    created_at = models.DateTimeField(_("produit le"), auto_now_add=True)

    objects = scoped_manager("titre__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_titredocument"
        verbose_name = _("PDF de titre")
        verbose_name_plural = _("PDF de titres")

    def __str__(self) -> str:
        return f"{self.titre.reference}.pdf ({self.sha256[:12]}…)"


class TitreBatchChunk(models.Model):
    """A run of consecutive numbers of an issued batch, rendered by one task; dated once every
    PDF of it is stored.

    Not a final row: it records progress only. The documents are the truth (a chunk rendered
    again finds its PDFs stored and renders nothing).
    """

    batch = models.ForeignKey(
        TitreBatch, verbose_name=_("bordereau"), on_delete=models.PROTECT, related_name="chunks"
    )
    index = models.PositiveIntegerField(_("rang"))
    first_number = models.PositiveIntegerField(_("premier numéro"))
    last_number = models.PositiveIntegerField(_("dernier numéro"))
    done_at = models.DateTimeField(_("produit le"), null=True, blank=True)

    objects = scoped_manager("batch__fiscal_year__consortium")

    class Meta:
        db_table = "billing_titrebatchchunk"
        verbose_name = _("lot de PDF d'un bordereau")
        verbose_name_plural = _("lots de PDF des bordereaux")
        ordering = ["batch", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "index"],
                name="titre_batch_chunk_once",
                violation_error_message=_("Ce lot du bordereau existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(first_number__lte=models.F("last_number")),
                name="titre_batch_chunk_ordered",
                violation_error_message=_("Un lot va de son premier à son dernier numéro."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch} : {self.first_number}–{self.last_number}"


class TitreEmail(FinalRows):
    """The idempotency record of one e-mail of a titre: created before sending, dated once sent.

    Once dated it is final (deleting it would send the titre again).
    """

    final_rows = Q(sent_at__isnull=False)
    refused_parents = {"titre": NOT_ISSUED}

    titre = models.ForeignKey(
        RevenueTitle, verbose_name=_("titre"), on_delete=models.PROTECT, related_name="emails"
    )
    email = models.EmailField(_("destinataire"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = scoped_manager("titre__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_titreemail"
        verbose_name = _("envoi de titre")
        verbose_name_plural = _("envois de titres")
        constraints = [
            models.UniqueConstraint(
                fields=["titre", "email"],
                name="titre_email_once",
                violation_error_message=_("Ce titre a déjà été envoyé à cette adresse."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titre.reference} → {self.email}"


class Payment(WriteOnce):
    """A payment received by the public accountant on a titre (partial payments allowed)."""

    refused_parents = {"titre": NOT_ISSUED}

    titre = models.ForeignKey(
        RevenueTitle, verbose_name=_("titre"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("date du paiement"))
    amount = money_field(_("montant (€)"))
    reference = models.CharField(_("référence"), max_length=100)
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    recorded_by = user_field(_("enregistré par"))

    objects = scoped_manager("titre__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_payment"
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["titre", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_positive",
                violation_error_message=_("Le montant d'un encaissement est positif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titre.reference} : {self.amount} € le {self.paid_on:%d/%m/%Y}"
