"""Fiscal years: a titre belongs to one and is numbered per year, whatever computed its amounts.

Moved from billing (cost sharing hangs its grids, pools and runs on a year); the table keeps its
`billing_` name.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium


class FiscalYear(models.Model):
    consortium = models.ForeignKey(
        Consortium,
        verbose_name=_("groupement"),
        on_delete=models.PROTECT,
        related_name="fiscal_years",
    )
    year = models.PositiveSmallIntegerField(_("année"))

    objects = scoped_manager("consortium")

    class Meta:
        db_table = "billing_fiscalyear"
        verbose_name = _("exercice")
        verbose_name_plural = _("exercices")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "year"],
                name="fiscal_year_unique",
                violation_error_message=_("Cet exercice existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="fiscal_year_plausible",
                violation_error_message=_(
                    "L'année de l'exercice doit être comprise entre 2000 et 2100."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Exercice %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        # The year's page is the finance pages' (a URL name, not an import of billing).
        return reverse("billing:year_detail", args=[self.year])

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)
