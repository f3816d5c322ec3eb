"""Cost pools with their allocation key, the invoices charged to them, declared staff time."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing import allocation
from billing.models._fields import money_field
from ligeris.lib.scopes import scoped_manager
from partners.models import Partner, Tenant
from titres.models import FiscalYear


class PoolCategory(models.TextChoices):
    SETUP = "setup", _("Mise en œuvre")
    OPERATION = "operation", _("Exploitation")
    ADDITIONAL = "additional", _("Prestation complémentaire")
    LITIGATION = "litigation", _("Conséquence de contentieux")
    WITHDRAWAL = "withdrawal", _("Retrait")
    REVERSIBILITY = "reversibility", _("Réversibilité")
    #: The costs of an exclusion, borne by the excluded partner (article 8).
    EXCLUSION = "exclusion", _("Exclusion")
    TERMINATION = "termination", _("Résiliation d'un commun accord")
    #: An issued purchase order, charged to its partner or tenant alone (article 7).
    ORDER = "order", _("Bon de commande")


class AllocationKey(models.TextChoices):
    EQUAL_PER_MEMBER = allocation.EQUAL_PER_MEMBER, _("À parts égales entre les membres")
    PER_TENANT = allocation.PER_TENANT, _("Par tenant")
    STORAGE_VOLUME = allocation.STORAGE_VOLUME, _("Volumétrie au 1er janvier")
    STAFF_TIME = allocation.STAFF_TIME, _("Temps RH du coordonnateur, par tenant")
    DIRECT = allocation.DIRECT, _("Imputation directe")


class RunKind(models.TextChoices):
    BUDGET = "budget", _("Prévisionnel (terme à échoir)")
    ACTUAL = "actual", _("Réel (fin d'exercice)")
    SPECIFIC = "specific", _("Titres spécifiques")


class SpreadOn(models.TextChoices):
    ALL = "all", _("Prévisionnel et réel")
    ACTUAL = "actual", _("Prochaine répartition réelle")
    SPECIFIC = "specific", _("Répartition spécifique")


class CostPool(models.Model):
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("exercice"), on_delete=models.PROTECT, related_name="pools"
    )
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=200)
    category = models.CharField(
        _("phase"), max_length=20, choices=PoolCategory.choices, default=PoolCategory.OPERATION
    )
    key = models.CharField(_("clé de répartition"), max_length=20, choices=AllocationKey.choices)
    budget_amount = money_field(_("budget (€)"), default=0)
    direct_tenant = models.ForeignKey(
        Tenant,
        verbose_name=_("tenant imputé"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    direct_partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire imputé"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    spread_on = models.CharField(
        _("réparti sur"),
        max_length=10,
        choices=SpreadOn.choices,
        default=SpreadOn.ALL,
        help_text=_(
            "Une prestation complémentaire ou une pénalité se répartit sur la prochaine "
            "répartition réelle ou sur une répartition spécifique."
        ),
    )

    objects = scoped_manager("fiscal_year__consortium")

    class Meta:
        verbose_name = _("poste de coût")
        verbose_name_plural = _("postes de coût")
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "code"],
                name="cost_pool_code_unique",
                violation_error_message=_("L'exercice a déjà un poste de ce code."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(key="direct")
                    & (
                        Q(direct_tenant__isnull=False, direct_partner__isnull=True)
                        | Q(direct_tenant__isnull=True, direct_partner__isnull=False)
                    )
                )
                | (~Q(key="direct") & Q(direct_tenant__isnull=True, direct_partner__isnull=True)),
                name="cost_pool_direct_has_one_target",
                violation_error_message=_(
                    "Une imputation directe vise un seul tenant ou un seul partenaire ; "
                    "les autres clés n'en visent aucun."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"

    def clean(self) -> None:
        if self.key == AllocationKey.DIRECT and bool(self.direct_tenant_id) == bool(
            self.direct_partner_id
        ):
            raise ValidationError(
                _("Une imputation directe vise un seul tenant ou un seul partenaire.")
            )
        if self.key != AllocationKey.DIRECT and (self.direct_tenant_id or self.direct_partner_id):
            raise ValidationError(
                _("Seule une imputation directe vise un tenant ou un partenaire.")
            )
        negative = self.budget_amount is not None and self.budget_amount < 0
        if negative and self.category != PoolCategory.LITIGATION:
            raise ValidationError(
                {"budget_amount": _("Seule une conséquence de contentieux peut être négative.")}
            )


class Expense(models.Model):
    """A vendor invoice charged to a pool (negative for a penalty received from a vendor)."""

    pool = models.ForeignKey(
        CostPool, verbose_name=_("poste"), on_delete=models.PROTECT, related_name="expenses"
    )
    invoice_date = models.DateField(_("date de la facture"))
    vendor = models.CharField(_("prestataire"), max_length=200)
    contract_lot = models.CharField(_("lot du marché"), max_length=100, blank=True)
    reference = models.CharField(_("référence de la facture"), max_length=100, blank=True)
    amount = money_field(_("montant TTC (€)"))
    description = models.CharField(_("objet"), max_length=300, blank=True)

    objects = scoped_manager("pool__fiscal_year__consortium")

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["pool", "invoice_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="expense_not_zero",
                violation_error_message=_("Une dépense a un montant non nul."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} {self.invoice_date:%d/%m/%Y} {self.amount} €"


class StaffTime(models.Model):
    """Days of coordinator staff time declared on a staff-time pool."""

    pool = models.ForeignKey(
        CostPool, verbose_name=_("poste"), on_delete=models.PROTECT, related_name="staff_times"
    )
    period_end = models.DateField(_("période close le"))
    days = models.DecimalField(_("jours"), max_digits=7, decimal_places=2)
    description = models.CharField(_("objet"), max_length=300, blank=True)

    objects = scoped_manager("pool__fiscal_year__consortium")

    class Meta:
        verbose_name = _("temps RH déclaré")
        verbose_name_plural = _("temps RH déclarés")
        ordering = ["pool", "period_end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gt=0),
                name="staff_time_positive",
                violation_error_message=_("Le temps RH déclaré est positif."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(days)s jours") % {"days": self.days}
