"""Service commitments (seed 002, article 4), the member's referent, the requests recorded."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Partner


class CommitmentKind(models.TextChoices):
    ADMIN = "admin", _("Réponse à une demande administrative")
    COMMISSIONING = "commissioning", _("Mise en service, une fois tous les éléments fournis")
    SUPPORT = "support", _("Prise en charge d'un ticket de support")


class DelayUnit(models.TextChoices):
    DAYS = "days", _("jours calendaires")
    MONTHS = "months", _("mois")
    WORKING_HOURS = "working_hours", _("heures ouvrées (lundi–vendredi, 8 h–18 h)")


#: Seed 002, article 4: a week, a month, four working hours.
DEFAULT_DELAYS = {
    CommitmentKind.ADMIN: (7, DelayUnit.DAYS),
    CommitmentKind.COMMISSIONING: (1, DelayUnit.MONTHS),
    CommitmentKind.SUPPORT: (4, DelayUnit.WORKING_HOURS),
}


class Commitment(models.Model):
    """What the coordinator commits to for a service of the catalogue (or for all of them)."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "catalogue.Service",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="commitments",
        help_text=_("Vide : l'engagement vaut pour tous les services."),
    )
    kind = models.CharField(_("engagement"), max_length=15, choices=CommitmentKind.choices)
    delay = models.PositiveSmallIntegerField(_("délai"))
    unit = models.CharField(_("unité du délai"), max_length=15, choices=DelayUnit.choices)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("engagement de service")
        verbose_name_plural = _("engagements de service")
        ordering = ["service__code", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "service", "kind"],
                name="commitment_unique",
                nulls_distinct=False,
                violation_error_message=_("Cet engagement existe déjà pour ce service."),
            ),
            models.CheckConstraint(
                condition=Q(delay__gte=1),
                name="commitment_delay_positive",
                violation_error_message=_("Un délai est d'au moins une unité."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.service.code if self.service_id else _("tous services")
        return f"{self.get_kind_display()} ({scope}) : {self.delay} {self.get_unit_display()}"


class Referent(models.Model):
    """The member's named referent, whom the coordinator answers."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.OneToOneField(
        Partner, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="referent"
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("référent du membre")
        verbose_name_plural = _("référents des membres")
        ordering = ["partner__name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.partner.short_name})"


class ServiceRequest(models.Model):
    """A request a member made, with its times: the commitment's deadline runs from `starts_at`
    (received; for a commissioning, once everything is provided), met when answered by then."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="+"
    )
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("engagement"), on_delete=models.PROTECT, related_name="requests"
    )
    subject = models.CharField(_("objet"), max_length=300)
    received_at = models.DateTimeField(_("reçue le"))
    complete_at = models.DateTimeField(
        _("éléments fournis le"),
        null=True,
        blank=True,
        help_text=_("Pour une mise en service : le délai court quand tout est fourni."),
    )
    answered_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    due_at = models.DateTimeField(_("échéance"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("demande d'un membre")
        verbose_name_plural = _("demandes des membres")
        ordering = ["-received_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=F("received_at")),
                name="request_answered_after_received",
                violation_error_message=_("Une demande n'est pas traitée avant d'être reçue."),
            ),
            models.CheckConstraint(
                condition=Q(complete_at__isnull=True) | Q(complete_at__gte=F("received_at")),
                name="request_complete_after_received",
                violation_error_message=_(
                    "Les éléments ne sont pas fournis avant la réception de la demande."
                ),
            ),
        ]
        indexes = [models.Index(fields=["consortium", "received_at"], name="request_received")]

    def __str__(self) -> str:
        return f"{self.partner.short_name} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("commitments:request_detail", args=[self.pk])
