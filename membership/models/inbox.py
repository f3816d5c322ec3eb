"""The partner inbox's e-mail digest: one per user and period, whatever the retries."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboxDigest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("utilisateur"),
    )
    #: The first day of the period (the Monday of its week).
    period_start = models.DateField(_("début de la période"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    item_count = models.PositiveIntegerField(_("éléments"), default=0)

    class Meta:
        verbose_name = _("récapitulatif de la boîte partenaire")
        verbose_name_plural = _("récapitulatifs de la boîte partenaire")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period_start"],
                name="inbox_digest_once_per_period",
                violation_error_message=_("Le récapitulatif de cette période est déjà envoyé."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.period_start:%d/%m/%Y}"
