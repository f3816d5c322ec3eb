"""An amendment's file: the decision it comes from, its parties and their approvals (art. 10)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models import Decision
from ligeris.lib.scopes import scoped_manager
from partners.models import Amendment, Partner


class AmendmentFile(models.Model):
    """Links a convention's amendment to the COPIL decision it comes from."""

    amendment = models.OneToOneField(
        Amendment, verbose_name=_("avenant"), on_delete=models.PROTECT, related_name="file"
    )
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("décision"),
        on_delete=models.PROTECT,
        related_name="amendment_file",
    )
    drawn_up_on = models.DateField(_("établi le"))

    objects = scoped_manager("amendment__convention__consortium")

    class Meta:
        verbose_name = _("dossier d'avenant")
        verbose_name_plural = _("dossiers d'avenants")
        ordering = ["-amendment__convention__starts_on", "-amendment__number"]

    def __str__(self) -> str:
        return str(self.amendment)

    def get_absolute_url(self) -> str:
        return reverse("membership:amendment_detail", args=[self.pk])

    @property
    def is_in_force(self) -> bool:
        return self.amendment.effective_on is not None


def _scan_path(instance: "AmendmentParty", filename: str) -> str:
    return f"membership/amendments/{instance.file_id}/{instance.partner_id}/{filename}"


class AmendmentParty(models.Model):
    """A partner party to the amendment, frozen when it is drawn up, and its deliberation."""

    file = models.ForeignKey(
        AmendmentFile, verbose_name=_("avenant"), on_delete=models.CASCADE, related_name="parties"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("rang"))
    approving_body = models.CharField(_("instance ayant délibéré"), max_length=200, blank=True)
    approved_on = models.DateField(_("date de la délibération"), null=True, blank=True)
    deliberation_number = models.CharField(_("numéro de délibération"), max_length=50, blank=True)
    scan = models.FileField(_("délibération numérisée"), upload_to=_scan_path, blank=True)
    recorded_at = models.DateTimeField(_("enregistrée le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = scoped_manager("partner__consortium")

    class Meta:
        verbose_name = _("partie à l'avenant")
        verbose_name_plural = _("parties à l'avenant")
        ordering = ["file", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "partner"],
                name="amendment_party_unique",
                violation_error_message=_("Ce partenaire est déjà partie à cet avenant."),
            ),
            models.UniqueConstraint(
                fields=["file", "position"],
                name="amendment_party_position_unique",
                violation_error_message=_("Cet avenant a déjà une partie à ce rang."),
            ),
            # An approval is a deliberation: a date and the body that took it, or neither.
            models.CheckConstraint(
                condition=Q(approved_on__isnull=True, approving_body="")
                | (Q(approved_on__isnull=False) & ~Q(approving_body="")),
                name="amendment_party_approval_whole",
                violation_error_message=_(
                    "Une approbation indique l'instance qui a délibéré et la date de sa délibération, l'une avec l'autre."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file} — {self.partner}"

    @property
    def has_approved(self) -> bool:
        return self.approved_on is not None
