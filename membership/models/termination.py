"""Termination of the convention by common accord (art. 7 and 11), decided by the COPIL."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from governance.models import Decision
from ligeris.lib.scopes import scoped_manager
from partners.models import Convention


class Termination(models.Model):
    convention = models.OneToOneField(
        Convention,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="termination",
    )
    decision = models.OneToOneField(
        Decision, verbose_name=_("décision"), on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("décidée le"))
    effective_on = models.DateField(_("prend effet le"))

    objects = scoped_manager("convention__consortium")

    class Meta:
        verbose_name = _("résiliation d'un commun accord")
        verbose_name_plural = _("résiliations d'un commun accord")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gte=F("decided_on")),
                name="termination_effective_after_decision",
                violation_error_message=_(
                    "La résiliation prend effet à la date de la décision ou après."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Résiliation de %(convention)s") % {"convention": self.convention}
