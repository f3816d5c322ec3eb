"""Tariff grids of a fiscal year (annex 1 of the convention)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from billing.models._fields import money_field
from ligeris.lib.scopes import scoped_manager
from titres.models import FiscalYear


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

    objects = scoped_manager("fiscal_year__consortium")

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

    objects = scoped_manager("grid__fiscal_year__consortium")

    class Meta:
        verbose_name = _("ligne de grille tarifaire")
        verbose_name_plural = _("lignes de grille tarifaire")
        ordering = ["grid", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "code"],
                name="tariff_line_code_unique",
                violation_error_message=_("La grille a déjà une ligne de ce code."),
            ),
            models.UniqueConstraint(
                fields=["grid", "kind"],
                condition=Q(kind__in=["day_rate", "staff_cap"]),
                name="tariff_line_one_day_rate_and_cap",
                violation_error_message=_(
                    "La grille a déjà un taux journalier ou un plafond RH : modifiez-le."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="tariff_line_not_negative",
                violation_error_message=_("Un montant de la grille ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"
