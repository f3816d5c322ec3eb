"""The XLSX of a large year's recap, built by a background task: its progress, then its bytes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from billing.models._fields import user_field
from billing.models.runs import AllocationRun
from ligeris.lib.scopes import scoped_manager
from partners.models import Partner
from titres.models import FiscalYear


class RecapExport(models.Model):
    """One workbook of a year's recap, for the staff (no partner) or for one partner's users.

    It reads the runs it names, which never change: a workbook stored is kept and given again
    (its SHA-256 says so); a newer run makes another. Not a final row, it records progress until
    its bytes are stored, which happens once (the update is guarded by `done_at`). Two asked
    at the same instant make two rows, each built once: harmless, so no unique constraint (the
    runs are often NULL, which a unique constraint would not compare).
    """

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("exercice"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vide : le tableau complet, pour les services du coordonnateur."),
    )
    budget_run = models.ForeignKey(
        AllocationRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actual_run = models.ForeignKey(
        AllocationRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rows_total = models.PositiveIntegerField(_("lignes à écrire"), default=0)
    rows_done = models.PositiveIntegerField(_("lignes écrites"), default=0)
    xlsx = models.BinaryField(_("classeur"), null=True, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    error = models.CharField(_("erreur"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    created_by = user_field(_("demandé par"))
    done_at = models.DateTimeField(_("produit le"), null=True, blank=True)

    objects = scoped_manager("fiscal_year__consortium")

    class Meta:
        verbose_name = _("classeur du tableau récapitulatif")
        verbose_name_plural = _("classeurs du tableau récapitulatif")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} — {self.partner or _('coordonnateur')}"

    @property
    def percent(self) -> int:
        if self.done_at:
            return 100
        if not self.rows_total:
            return 0
        return min(99, round(100 * self.rows_done / self.rows_total))

    def as_dict(self) -> dict:
        return {
            "percent": self.percent,
            "rows_done": self.rows_done,
            "rows_total": self.rows_total,
            "done": self.done_at is not None,
            "error": self.error,
        }
