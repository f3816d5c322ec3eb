"""Purchase orders (bons de commande, articles 5 and 7): drafted by a partner in the year's
ordering period, issued by the coordinator with a number per year, then a direct charge.

An issued, refused or withdrawn order is final: it never changes, nor do its lines.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from billing.models._fields import money_field, user_field
from billing.models.costs import CostPool
from billing.models.grids import TariffLine
from ligeris.lib.final import FinalRows, FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from partners.models import Partner, Tenant
from titres.models import FiscalYear

ORDER_FINAL = _("Un bon de commande émis, refusé ou retiré ne se modifie ni ne se supprime.")


class OrderingPeriod(models.Model):
    """The year's window for orders, set by finance staff at the start of the year."""

    fiscal_year = models.OneToOneField(
        FiscalYear,
        verbose_name=_("exercice"),
        on_delete=models.PROTECT,
        related_name="ordering_period",
    )
    opens_on = models.DateField(_("ouverture des commandes"))
    closes_on = models.DateField(_("clôture des commandes"))

    objects = scoped_manager("fiscal_year__consortium")

    class Meta:
        verbose_name = _("période de commande")
        verbose_name_plural = _("périodes de commande")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="ordering_period_in_order",
                violation_error_message=_("La clôture des commandes suit leur ouverture."),
            ),
        ]

    def __str__(self) -> str:
        return _("Commandes du %(start)s au %(end)s") % {
            "start": f"{self.opens_on:%d/%m/%Y}",
            "end": f"{self.closes_on:%d/%m/%Y}",
        }

    def contains(self, day) -> bool:
        return self.opens_on <= day <= self.closes_on


class OrderState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Soumis au coordonnateur")
    CHANGES_REQUESTED = "changes_requested", _("Renvoyé pour modification")
    ISSUED = "issued", _("Émis")
    REFUSED = "refused", _("Refusé")
    CANCELLED = "cancelled", _("Retiré")


#: States in which the partner edits its order.
EDITABLE_STATES = (OrderState.DRAFT, OrderState.CHANGES_REQUESTED)
FINAL_STATES = (OrderState.ISSUED, OrderState.REFUSED, OrderState.CANCELLED)
FINAL = Q(state__in=FINAL_STATES)


class ChargeOn(models.TextChoices):
    NEXT = "next", _("Sur le prochain titre (prochaine répartition réelle)")
    SPECIFIC = "specific", _("Sur un titre spécifique (répartition spécifique)")


class PurchaseOrder(FinalRows):
    final_rows = FINAL
    final_message = ORDER_FINAL

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("exercice"), on_delete=models.PROTECT, related_name="orders"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
    )
    tenant = models.ForeignKey(
        Tenant,
        verbose_name=_("tenant concerné"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("motif de la commande"), max_length=2000)
    state = models.CharField(
        _("état"), max_length=20, choices=OrderState.choices, default=OrderState.DRAFT
    )
    emergency = models.BooleanField(_("commande en urgence"), default=False)
    emergency_reason = models.TextField(_("motif de l'urgence"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = user_field(_("créé par"))
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    review_comment = models.TextField(_("demande de modification"), max_length=2000, blank=True)
    refusal_reason = models.TextField(_("motif du refus"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    decided_by = user_field(_("décidé par"))
    number = models.PositiveIntegerField(_("numéro"), null=True, blank=True)
    issued_on = models.DateField(_("émis le"), null=True, blank=True)
    total = money_field(_("montant total (€)"), null=True, blank=True)
    charge_on = models.CharField(
        _("imputation"), max_length=10, choices=ChargeOn.choices, blank=True
    )
    pool = models.ForeignKey(
        CostPool,
        verbose_name=_("poste de coût imputé"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64, blank=True)

    objects = scoped_manager("partner__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("bon de commande")
        verbose_name_plural = _("bons de commande")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "number"],
                name="purchase_order_number_unique",
                violation_error_message=_("Ce numéro de bon de commande est déjà donné."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="issued", number__isnull=False, issued_on__isnull=False)
                    & ~Q(pdf_sha256="")
                    & ~Q(charge_on="")
                    & Q(total__isnull=False)
                )
                | (~Q(state="issued") & Q(number__isnull=True)),
                name="purchase_order_number_when_issued",
                violation_error_message=_(
                    "Un bon de commande reçoit son numéro, son PDF et son imputation à "
                    "l'émission, et seulement alors."
                ),
            ),
            models.CheckConstraint(
                condition=Q(emergency=False) | ~Q(emergency_reason=""),
                name="purchase_order_emergency_has_reason",
                violation_error_message=_("Une commande en urgence porte son motif."),
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""),
                name="purchase_order_refusal_has_reason",
                violation_error_message=_("Un refus porte son motif."),
            ),
        ]

    def __str__(self) -> str:
        return _("Bon de commande %(reference)s") % {"reference": self.reference}

    @property
    def reference(self) -> str:
        if self.number is None:
            return _("brouillon n° %(pk)s") % {"pk": self.pk}
        return f"BC-{self.fiscal_year.year}-{self.number:04d}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def get_absolute_url(self) -> str:
        return reverse("billing:order_detail", args=[self.pk])


class PurchaseOrderLine(FinalRows):
    """A line from the grid's unit prices (quantity × price) or a free line, priced by the
    coordinator at issue."""

    final_rows = Q(order__state__in=FINAL_STATES)
    refused_parents = {"order": FINAL}
    final_message = ORDER_FINAL

    order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("bon de commande"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    position = models.PositiveSmallIntegerField(_("rang"))
    tariff_line = models.ForeignKey(
        TariffLine,
        verbose_name=_("prix de la grille"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("désignation"), max_length=200)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    quantity = models.DecimalField(_("quantité"), max_digits=10, decimal_places=2)
    unit_price = money_field(_("prix unitaire (€)"), null=True, blank=True)
    amount = money_field(_("montant (€)"), null=True, blank=True)

    objects = scoped_manager("order__partner__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("ligne de bon de commande")
        verbose_name_plural = _("lignes de bon de commande")
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "position"],
                name="purchase_order_line_position_unique",
                violation_error_message=_("Le bon de commande a déjà une ligne à ce rang."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="purchase_order_line_quantity_positive",
                violation_error_message=_("La quantité d'une ligne est positive."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                name="purchase_order_line_price_not_negative",
                violation_error_message=_("Un prix unitaire ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.label}"

    @property
    def price_basis(self) -> str:
        """Where the price comes from, printed on the order."""
        if self.tariff_line_id:
            return _("Grille tarifaire %(year)s, ligne « %(code)s »") % {
                "year": self.order.fiscal_year.year,
                "code": self.tariff_line.code,
            }
        return _("Prix fixé par le coordonnateur")


class OrderNotice(models.Model):
    """One e-mail owed for an order's step, written with the step: the task sends it once.

    The record is the outbox: queued after the commit, sent at most once (its row is locked and
    dated in the transaction of the send), and swept later if the queue lost its task.
    """

    order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("bon de commande"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    event = models.CharField(_("étape"), max_length=20)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("destinataires"), default=0)

    objects = scoped_manager("order__partner__consortium")

    class Meta:
        verbose_name = _("avis de bon de commande")
        verbose_name_plural = _("avis de bon de commande")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="order_notice_unsent")]

    def __str__(self) -> str:
        return f"{self.order} — {self.event}"
