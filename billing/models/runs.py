"""Allocation runs: immutable snapshots of the inputs and of the shares computed from them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from billing.explain import base_text
from billing.models._fields import money_field
from billing.models.costs import AllocationKey, CostPool, RunKind
from ligeris.lib.final import FinalRows, FinalRowsManager
from ligeris.lib.scopes import scoped_manager
from partners.models import Partner, Tenant
from titres.models import FiscalYear

IMMUTABLE = _(
    "Une répartition est un instantané : elle ne se modifie ni ne se supprime. "
    "Calculez une nouvelle version."
)


class AllocationRun(FinalRows):
    """An immutable snapshot: the inputs used and the shares computed from them.

    Written once; only the mark of the titre that uses it is set later, once.
    """

    final_message = IMMUTABLE

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

    objects = scoped_manager("fiscal_year__consortium", FinalRowsManager)

    class Meta:
        verbose_name = _("répartition")
        verbose_name_plural = _("répartitions")
        ordering = ["fiscal_year", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "kind", "version"],
                name="allocation_run_version_unique",
                violation_error_message=_("Cette version de répartition existe déjà : recalculez."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s %(year)s, version %(version)s") % {
            "kind": self.get_kind_display(),
            "year": self.fiscal_year.year,
            "version": self.version,
        }

    def refuse_save(self, update_fields) -> None:
        locking = set(update_fields or ()) == {"locked_at"}
        if not locking or not type(self)._base_manager.filter(pk=self.pk, locked_at=None).exists():
            super().refuse_save(update_fields)

    def get_absolute_url(self) -> str:
        return reverse("billing:run_detail", args=[self.pk])


class Share(FinalRows):
    """A quote-part: one pool's share for one tenant (or one member), with its explanation.

    Written once with its run; a run used by a titre takes no new share.
    """

    refused_parents = {"run": Q(locked_at__isnull=False)}
    final_message = IMMUTABLE

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
    base = models.CharField(
        _("base"),
        max_length=200,
        help_text=_("Texte établi au calcul, en français, tel que les titres le reprennent."),
    )
    base_quantity = models.BigIntegerField(_("mesure"))  # months, megabytes or 1
    base_total = models.BigIntegerField(_("mesure totale"))
    weight = models.DecimalField(_("poids"), max_digits=13, decimal_places=10)
    amount = money_field(_("quote-part (€)"))

    objects = scoped_manager("run__fiscal_year__consortium", FinalRowsManager)

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

    def explanation(self) -> str:
        """The base in the reader's language (the stored `base` is the French snapshot)."""
        return base_text(self.key, self.base_quantity, self.base_total, self.months)
