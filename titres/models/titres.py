"""Titres de recette: batches (bordereaux), the yearly sequence, titres and lines.

A draft has no number. Issuing numbers it per year of issue, snapshots issuer and debtor, and from
then on the titre and its lines never change: corrections are other titres that reference it.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import money_field, user_field
from ligeris.lib.final import FinalRows, FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Partner, Tenant
from titres.models.years import FiscalYear

ISSUED_IMMUTABLE = _(
    "Un titre émis ne se modifie ni ne se supprime : émettez un titre d'annulation ou de réduction."
)
SEQUENCE_FORWARD = _(
    "La numérotation n'avance que par l'émission : elle ne recule, ne se modifie ni ne se supprime."
)
ISSUED = Q(state="issued")
NOT_ISSUED = ~ISSUED


class BatchState(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    ISSUED = "issued", _("Émis")


class TitreBatch(FinalRows):
    """A bordereau: the titres issued together on one date. Once issued it never changes."""

    final_rows = ISSUED
    final_message = _("Un bordereau émis ne se modifie ni ne se supprime.")

    fiscal_year = models.ForeignKey(
        FiscalYear,
        verbose_name=_("exercice"),
        on_delete=models.PROTECT,
        related_name="batches",
    )
    issue_date = models.DateField(_("date d'émission"))
    state = models.CharField(
        _("état"), max_length=10, choices=BatchState.choices, default=BatchState.DRAFT
    )
    number = models.PositiveIntegerField(_("numéro de bordereau"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = user_field(_("créé par"))
    issued_at = models.DateTimeField(_("émis le"), null=True, blank=True)
    issued_by = user_field(_("émis par"))

    objects = scoped_manager("fiscal_year__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_titrebatch"
        verbose_name = _("bordereau")
        verbose_name_plural = _("bordereaux")
        ordering = ["-issue_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "issue_date"],
                condition=Q(state="draft"),
                name="titre_batch_one_draft_per_date",
                violation_error_message=_(
                    "Un bordereau est déjà en préparation à cette date pour cet exercice."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(number__isnull=False, issued_at__isnull=False),
                name="titre_batch_issued_numbered",
                violation_error_message=_("Un bordereau émis porte un numéro, et lui seul."),
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return str(
                _("Bordereau n° %(number)s du %(date)s")
                % {"number": self.number, "date": self.issue_date.strftime("%d/%m/%Y")}
            )
        return str(
            _("Bordereau en préparation du %(date)s")
            % {"date": self.issue_date.strftime("%d/%m/%Y")}
        )

    def get_absolute_url(self) -> str:
        return reverse("billing:batch_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == BatchState.DRAFT


class TitreSequence(FinalRows):
    """The last number given in a year of issue: locked while titres are numbered.

    It starts at 0 and only moves forward, by the count of titres a batch issues (the issuing
    service); never deleted. PostgreSQL also checks, at commit, that it is the number of the
    last titre (or batch) issued, and that every number up to it is issued.
    """

    final_message = SEQUENCE_FORWARD

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("année d'émission"))
    kind = models.CharField(max_length=10, default="titre")  # "titre" or "batch"
    last_number = models.PositiveIntegerField(default=0)

    objects = scoped_manager("consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_titresequence"
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "year", "kind"],
                name="titre_sequence_unique",
                violation_error_message=_("La numérotation de cette année existe déjà."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} : {self.last_number}"

    def refuse_save(self, update_fields) -> None:
        stored = type(self)._base_manager.filter(pk=self.pk).values().first() if self.pk else None
        if stored is None:
            type(self).refuse_rows([self])
            return
        now = {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields}
        if now["last_number"] <= stored["last_number"] or now != stored | {
            "last_number": now["last_number"]
        }:
            self.refuse()

    @classmethod
    def refuse_rows(cls, objs: list) -> None:
        if any(obj.last_number != 0 for obj in objs):
            cls.refuse()


class TitreKind(models.TextChoices):
    ANNUAL = "annual", _("Titre annuel (terme à échoir)")
    SPECIFIC = "specific", _("Titre spécifique")
    ADDITIONAL = "additional", _("Titre complémentaire (régularisation)")
    REDUCTION = "reduction", _("Titre de réduction")
    CANCELLATION = "cancellation", _("Titre d'annulation")


#: Kinds that ask the debtor to pay; the two others reduce a titre they reference.
CHARGING_KINDS = (TitreKind.ANNUAL, TitreKind.SPECIFIC, TitreKind.ADDITIONAL)
CORRECTING_KINDS = (TitreKind.REDUCTION, TitreKind.CANCELLATION)


class TitreState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    WAIVED = "waived", _("Non mis en recouvrement")
    ISSUED = "issued", _("Émis")


class RevenueTitle(FinalRows):
    """A titre de recette to one debtor (the payer of a tenant, or a member for member pools).

    Invariant: the row of an issued titre is final. The issuing service turns a draft into an
    issued titre in one save; nothing saves it again (PostgreSQL refuses raw SQL too).
    """

    final_rows = ISSUED
    final_message = ISSUED_IMMUTABLE

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear,
        verbose_name=_("exercice"),
        on_delete=models.PROTECT,
        related_name="titres",
    )
    batch = models.ForeignKey(
        TitreBatch, verbose_name=_("bordereau"), on_delete=models.PROTECT, related_name="titres"
    )
    kind = models.CharField(_("nature"), max_length=15, choices=TitreKind.choices)
    state = models.CharField(
        _("état"), max_length=10, choices=TitreState.choices, default=TitreState.DRAFT
    )
    exercise = models.PositiveSmallIntegerField(_("exercice d'émission"), null=True, blank=True)
    number = models.PositiveIntegerField(_("numéro"), null=True, blank=True)
    debtor = models.ForeignKey(
        Partner, verbose_name=_("débiteur"), on_delete=models.PROTECT, related_name="titres"
    )
    tenant = models.ForeignKey(
        Tenant,
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="titres",
    )
    run = models.ForeignKey(
        "billing.AllocationRun",
        verbose_name=_("répartition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="titres",
    )
    original = models.ForeignKey(
        "self",
        verbose_name=_("titre corrigé"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    object = models.CharField(_("objet"), max_length=300)
    reason = models.TextField(_("motif"), blank=True)
    total = money_field(_("montant (€)"))
    below_threshold = models.BooleanField(_("inférieur au seuil de recouvrement"), default=False)
    recovery_confirmed = models.BooleanField(
        _("mise en recouvrement décidée"),
        default=False,
        help_text=_("Sous le seuil, le titre n'est émis que si l'ordonnateur le décide."),
    )
    issued_on = models.DateField(_("date d'émission"), null=True, blank=True)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    issued_at = models.DateTimeField(_("émis le"), null=True, blank=True)
    issued_by = user_field(_("émis par"))
    snapshot = models.JSONField(
        _("mentions figées à l'émission"),
        default=dict,
        blank=True,
        help_text=_("Émetteur, débiteur, imputation, paiement et base juridique, tels qu'émis."),
    )

    objects = scoped_manager("consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_revenuetitle"
        verbose_name = _("titre de recette")
        verbose_name_plural = _("titres de recette")
        ordering = ["-exercise", "-number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "exercise", "number"],
                name="titre_number_unique",
                violation_error_message=_("Ce numéro de titre est déjà attribué."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        state="issued",
                        number__gte=1,
                        exercise__isnull=False,
                        issued_on__isnull=False,
                        due_on__isnull=False,
                    )
                    | Q(~Q(state="issued"), number__isnull=True, exercise__isnull=True)
                ),
                name="titre_issued_iff_numbered",
                violation_error_message=_(
                    "Un titre émis porte un numéro et une date d'émission, et lui seul."
                ),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0),
                name="titre_total_not_negative",
                violation_error_message=_("Le montant d'un titre ne peut pas être négatif."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["reduction", "cancellation"], original__isnull=False)
                    | Q(~Q(kind__in=["reduction", "cancellation"]), original__isnull=True)
                ),
                name="titre_correction_has_original",
                violation_error_message=_(
                    "Un titre de réduction ou d'annulation vise le titre qu'il corrige, et lui seul."
                ),
            ),
        ]
        indexes = [models.Index(fields=["debtor", "state"], name="titre_debtor_state")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.debtor.short_name}"

    def get_absolute_url(self) -> str:
        return reverse("billing:titre_detail", args=[self.pk])

    @property
    def heading(self) -> str:
        """« Titre annuel (terme à échoir) », or the heading its drafter gave (terme échu)."""
        return (self.snapshot or {}).get("wording", {}).get("heading") or self.get_kind_display()

    @property
    def reference(self) -> str:
        if self.number is None:
            return str(_("brouillon n° %(pk)s") % {"pk": self.pk})
        return f"{self.exercise}-{self.number:05d}"

    @property
    def is_issued(self) -> bool:
        return self.state == TitreState.ISSUED

    @property
    def is_correction(self) -> bool:
        return self.kind in CORRECTING_KINDS


class TitreLine(FinalRows):
    """One line of a titre: a share (or a true-up difference) with its base of computation.

    Final with its titre: not changed, deleted, added to or moved out of an issued titre.
    """

    final_rows = Q(titre__state="issued")
    refused_parents = {"titre": ISSUED}
    final_message = ISSUED_IMMUTABLE

    titre = models.ForeignKey(
        RevenueTitle, verbose_name=_("titre"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("rang"))
    label = models.CharField(_("libellé"), max_length=300)
    base = models.CharField(_("base de liquidation"), max_length=300)
    amount = money_field(_("montant (€)"))
    share = models.ForeignKey(
        "billing.Share",
        verbose_name=_("quote-part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="titre_lines",
    )
    # A line of a reduction or cancellation names the line of the original it reduces; a line
    # of a charging titre may deduct what was carried over to the debtor (a negative amount).
    reduces = models.ForeignKey(
        "self",
        verbose_name=_("ligne réduite"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reductions",
    )
    carryover = models.ForeignKey(
        "titres.Carryover",
        verbose_name=_("report déduit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
    )

    objects = scoped_manager("titre__consortium", FinalRowsManager)

    class Meta:
        db_table = "billing_titreline"
        verbose_name = _("ligne de titre")
        verbose_name_plural = _("lignes de titre")
        ordering = ["titre", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["titre", "position"],
                name="titre_line_position",
                violation_error_message=_("Le rang d'une ligne de titre commence à 1."),
            ),
            models.CheckConstraint(
                condition=Q(reduces__isnull=True) | Q(amount__gt=0, carryover__isnull=True),
                name="titre_line_reduction_positive",
                violation_error_message=_("Une ligne de réduction est positive."),
            ),
            models.CheckConstraint(
                condition=Q(carryover__isnull=True) | Q(amount__lt=0),
                name="titre_line_carryover_deducted",
                violation_error_message=_(
                    "Une ligne de report déduit un montant : elle est négative."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} : {self.amount} €"
