"""Fiscal years, tariff grids, cost pools, expenses, storage volumes and allocation snapshots.

Money is a Decimal to the cent (max 13 digits). Runs and their shares are written once by the
allocation service and never changed: running again makes a new version.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from billing import allocation
from partners.models import Consortium, Partner, Tenant


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=2, **kwargs)


class FiscalYear(models.Model):
    consortium = models.ForeignKey(
        Consortium,
        verbose_name=_("groupement"),
        on_delete=models.PROTECT,
        related_name="fiscal_years",
    )
    year = models.PositiveSmallIntegerField(_("année"))

    class Meta:
        verbose_name = _("exercice")
        verbose_name_plural = _("exercices")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "year"], name="fiscal_year_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="fiscal_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return _("Exercice %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("billing:year_detail", args=[self.year])

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)


class TariffGrid(models.Model):
    """Annex 1 of the convention for one year, effective 1 January."""

    fiscal_year = models.OneToOneField(
        FiscalYear, verbose_name=_("exercice"), on_delete=models.PROTECT, related_name="grid"
    )
    effective_on = models.DateField(_("en vigueur le"))
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("reprise de la grille"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
    )
    indexation_rate = models.DecimalField(
        _("taux d'indexation (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    frozen_at = models.DateTimeField(
        _("figée le"),
        null=True,
        blank=True,
        help_text=_("Une grille utilisée par un titre émis ne se modifie plus."),
    )

    class Meta:
        verbose_name = _("grille tarifaire")
        verbose_name_plural = _("grilles tarifaires")

    def __str__(self) -> str:
        return _("Grille tarifaire %(year)s") % {"year": self.fiscal_year.year}


class TariffLineKind(models.TextChoices):
    POOL_BUDGET = "pool_budget", _("Budget de poste")
    UNIT_PRICE = "unit_price", _("Prix unitaire")
    DAY_RATE = "day_rate", _("Taux journalier du temps RH")
    STAFF_CAP = "staff_cap", _("Plafond annuel du temps RH")
    SETUP = "setup", _("Frais de mise en œuvre")
    WITHDRAWAL = "withdrawal", _("Frais de retrait")
    REVERSIBILITY = "reversibility", _("Frais de réversibilité")


class TariffLine(models.Model):
    grid = models.ForeignKey(
        TariffGrid, verbose_name=_("grille"), on_delete=models.PROTECT, related_name="lines"
    )
    code = models.SlugField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=200)
    kind = models.CharField(_("nature"), max_length=20, choices=TariffLineKind.choices)
    amount = money_field(_("montant (€)"))
    unit = models.CharField(_("unité"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("ligne de grille tarifaire")
        verbose_name_plural = _("lignes de grille tarifaire")
        ordering = ["grid", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "code"], name="tariff_line_code_unique"),
            models.UniqueConstraint(
                fields=["grid", "kind"],
                condition=Q(kind__in=["day_rate", "staff_cap"]),
                name="tariff_line_one_day_rate_and_cap",
                violation_error_message=_(
                    "La grille a déjà un taux journalier ou un plafond RH : modifiez-le."
                ),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="tariff_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class PoolCategory(models.TextChoices):
    SETUP = "setup", _("Mise en œuvre")
    OPERATION = "operation", _("Exploitation")
    ADDITIONAL = "additional", _("Prestation complémentaire")
    LITIGATION = "litigation", _("Conséquence de contentieux")
    WITHDRAWAL = "withdrawal", _("Retrait")
    REVERSIBILITY = "reversibility", _("Réversibilité")


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

    class Meta:
        verbose_name = _("poste de coût")
        verbose_name_plural = _("postes de coût")
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="cost_pool_code_unique"),
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

    class Meta:
        verbose_name = _("dépense")
        verbose_name_plural = _("dépenses")
        ordering = ["pool", "invoice_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="expense_not_zero"),
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

    class Meta:
        verbose_name = _("temps RH déclaré")
        verbose_name_plural = _("temps RH déclarés")
        ordering = ["pool", "period_end", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="staff_time_positive"),
        ]

    def __str__(self) -> str:
        return _("%(days)s jours") % {"days": self.days}


class VolumeImport(models.Model):
    """An uploaded volume file: previewed first, applied once every row is valid."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    rows = models.JSONField(_("lignes normalisées"), default=list)
    applied_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("import de volumétrie")
        verbose_name_plural = _("imports de volumétrie")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class StorageVolume(models.Model):
    tenant = models.ForeignKey(
        Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="volumes"
    )
    measured_on = models.DateField(_("date du relevé"))
    gigabytes = models.DecimalField(_("volume (Go)"), max_digits=15, decimal_places=3)
    source = models.ForeignKey(
        VolumeImport,
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volumes",
    )

    class Meta:
        verbose_name = _("volumétrie")
        verbose_name_plural = _("volumétries")
        ordering = ["-measured_on", "tenant__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "measured_on"],
                name="storage_volume_one_per_tenant_and_date",
                violation_error_message=_("Un seul relevé par tenant et par date."),
            ),
            models.CheckConstraint(
                condition=Q(gigabytes__gte=0), name="storage_volume_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.code} {self.measured_on:%d/%m/%Y} {self.gigabytes} Go"

    def get_additional_data(self) -> dict:
        return {"tenant_id": self.tenant_id}


class AllocationRun(models.Model):
    """An immutable snapshot: the inputs used and the shares computed from them."""

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("exercice"), on_delete=models.PROTECT, related_name="runs"
    )
    kind = models.CharField(_("nature"), max_length=10, choices=RunKind.choices)
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("calculée le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("calculée par"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    inputs = models.JSONField(_("données d'entrée"))
    total = money_field(_("total réparti (€)"))
    locked_at = models.DateTimeField(
        _("utilisée par un titre le"),
        null=True,
        blank=True,
        help_text=_("Une répartition utilisée par un titre n'est jamais remplacée."),
    )

    class Meta:
        verbose_name = _("répartition")
        verbose_name_plural = _("répartitions")
        ordering = ["fiscal_year", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "kind", "version"], name="allocation_run_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s %(year)s, version %(version)s") % {
            "kind": self.get_kind_display(),
            "year": self.fiscal_year.year,
            "version": self.version,
        }

    def get_absolute_url(self) -> str:
        return reverse("billing:run_detail", args=[self.pk])


class Share(models.Model):
    """A quote-part: one pool's share for one tenant (or one member), with its explanation."""

    run = models.ForeignKey(
        AllocationRun,
        verbose_name=_("répartition"),
        on_delete=models.PROTECT,
        related_name="shares",
    )
    pool = models.ForeignKey(
        CostPool, verbose_name=_("poste"), on_delete=models.PROTECT, related_name="shares"
    )
    pool_code = models.CharField(_("code du poste"), max_length=30)
    pool_label = models.CharField(_("poste"), max_length=200)
    key = models.CharField(_("clé de répartition"), max_length=20, choices=AllocationKey.choices)
    pool_amount = money_field(_("montant du poste (€)"))
    tenant = models.ForeignKey(
        Tenant,
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("débiteur"), on_delete=models.PROTECT, related_name="shares"
    )
    borne_by_coordinator = models.BooleanField(_("à la charge du coordonnateur"), default=False)
    months = models.PositiveSmallIntegerField(_("mois facturables"), null=True, blank=True)
    base = models.CharField(_("base"), max_length=200)
    weight = models.DecimalField(_("poids"), max_digits=13, decimal_places=10)
    amount = money_field(_("quote-part (€)"))

    class Meta:
        verbose_name = _("quote-part")
        verbose_name_plural = _("quotes-parts")
        ordering = ["run", "pool_code", "tenant__code", "partner__name"]
        indexes = [
            models.Index(fields=["run", "partner"], name="share_run_partner"),
            models.Index(fields=["run", "tenant"], name="share_run_tenant"),
        ]

    def __str__(self) -> str:
        who = self.tenant.code if self.tenant_id else self.partner.short_name
        return f"{self.pool_code} — {who} : {self.amount} €"

    def get_absolute_url(self) -> str:
        return reverse("billing:share_detail", args=[self.pk])
