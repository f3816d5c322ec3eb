"""The consultation of the partners before the convention's end (art. 11): sent once a period."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models import Convention


class TermConsultation(models.Model):
    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="+"
    )
    #: The end of the period the reminder is about (a tacit renewal has one per period).
    period_end = models.DateField(_("fin de la période"))
    sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = scoped_manager("convention__consortium")

    class Meta:
        verbose_name = _("rappel de consultation avant le terme")
        verbose_name_plural = _("rappels de consultation avant le terme")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "period_end"],
                name="term_consultation_once_per_period",
                violation_error_message=_("La consultation de cette période est déjà envoyée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.convention} {self.period_end:%d/%m/%Y}"
