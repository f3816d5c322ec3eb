"""An exclusion case (article 8): a breach, the COPIL's decision, the registered letter, the
six months the excluded partner has from its receipt to recover its tenant's data, the costs."""

import calendar
import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager

#: Article 8: six months from the receipt of the registered letter to recover the data.
RECOVERY_MONTHS = 6


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same calendar day `months` later; a day the month lacks falls back to its last."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class ExclusionGround(models.TextChoices):
    NON_PAYMENT = "non_payment", _("Non-paiement de la participation financière")
    OTHER = "other", _("Autre manquement aux engagements de la convention")


class ExclusionState(models.TextChoices):
    OPEN = "open", _("Proposée")
    SCHEDULED = "scheduled", _("Inscrite à l'ordre du jour du COPIL")
    DECIDED = "decided", _("Exclusion décidée")


class ExclusionCase(models.Model):
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="exclusion_cases",
    )
    ground = models.CharField(_("motif"), max_length=20, choices=ExclusionGround.choices)
    breach = models.TextField(
        _("manquement constaté"),
        help_text=_("Tel que la lettre de notification l'énonce."),
    )
    titres = models.ManyToManyField(
        "titres.RevenueTitle",
        verbose_name=_("titres impayés"),
        blank=True,
        related_name="+",
    )
    opened_on = models.DateField(_("ouvert le"))
    state = models.CharField(
        _("état"), max_length=12, choices=ExclusionState.choices, default=ExclusionState.OPEN
    )
    decision = models.OneToOneField(
        "governance.Decision",
        verbose_name=_("décision du COPIL"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exclusion_case",
    )
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    letter_sent_on = models.DateField(_("lettre envoyée le"), null=True, blank=True)
    letter_reference = models.CharField(
        _("n° de la lettre recommandée"),
        max_length=40,
        blank=True,
        help_text=_(
            "Numéro de l'envoi recommandé avec accusé de réception, par ex. 1A 234 567 8901 2."
        ),
    )
    received_on = models.DateField(_("lettre reçue le"), null=True, blank=True)
    costs_pool = models.OneToOneField(
        "billing.CostPool",
        verbose_name=_("frais imputés"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = scoped_manager("partner__consortium")

    class Meta:
        verbose_name = _("procédure d'exclusion")
        verbose_name_plural = _("procédures d'exclusion")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(state__in=("open", "scheduled")),
                name="exclusion_one_pending_case_per_partner",
                violation_error_message=_(
                    "Une procédure d'exclusion est déjà en cours pour ce partenaire."
                ),
            ),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(decided_on__isnull=False),
                name="exclusion_receipt_after_decision",
                violation_error_message=_(
                    "La réception de la lettre d'exclusion suit la décision du comité de pilotage."
                ),
            ),
        ]

    def __str__(self) -> str:
        return _("Exclusion de %(partner)s") % {"partner": self.partner}

    def get_absolute_url(self) -> str:
        return reverse("membership:exclusion_detail", args=[self.pk])

    @property
    def deadline(self) -> datetime.date | None:
        """The last day of the data-recovery period; the tenants may close the day after."""
        if self.received_on is None:
            return None
        return add_months(self.received_on, RECOVERY_MONTHS)

    @property
    def is_rejected(self) -> bool:
        """Put to the COPIL, the minutes closed, the exclusion not adopted."""
        decision = self.decision
        return decision is not None and decision.item.meeting.is_closed and not decision.is_adopted
