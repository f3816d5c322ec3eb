"""A partner's approving deliberation of an amendment, uploaded from the portal (art. 10).

The coordinator checks it: recorded, it becomes the party's approval (the same service as an
approval typed in by staff); rejected, it says why and the partner may upload another.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import acting_user
from ligeris.lib.scopes import scoped_manager
from membership.models.amendments import AmendmentParty


class SubmissionState(models.TextChoices):
    SUBMITTED = "submitted", _("À vérifier par le coordonnateur")
    RECORDED = "recorded", _("Enregistrée")
    REJECTED = "rejected", _("Refusée")


def _pdf_path(instance: "DeliberationSubmission", filename: str) -> str:
    return f"membership/deliberations/{instance.party_id}/{filename}"


class DeliberationSubmission(models.Model):
    party = models.ForeignKey(
        AmendmentParty,
        on_delete=models.PROTECT,
        related_name="submissions",
        verbose_name=_("partie à l'avenant"),
    )
    approving_body = models.CharField(_("instance ayant délibéré"), max_length=200)
    approved_on = models.DateField(_("date de la délibération"))
    deliberation_number = models.CharField(_("numéro de délibération"), max_length=50)
    pdf = models.FileField(_("délibération (PDF)"), upload_to=_pdf_path)
    submitted_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    submitted_by = acting_user(_("déposée par"))
    state = models.CharField(
        _("état"),
        max_length=12,
        choices=SubmissionState.choices,
        default=SubmissionState.SUBMITTED,
    )
    reason = models.TextField(_("motif du refus"), blank=True, max_length=5000)
    decided_at = models.DateTimeField(_("vérifiée le"), null=True, blank=True)
    decided_by = acting_user(_("vérifiée par"))

    objects = scoped_manager("party__partner__consortium")

    class Meta:
        verbose_name = _("délibération déposée")
        verbose_name_plural = _("délibérations déposées")
        ordering = ("-submitted_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["party"],
                condition=Q(state="submitted"),
                name="deliberation_one_waiting_per_party",
                violation_error_message=_(
                    "Une délibération de ce partenaire attend déjà d'être vérifiée."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(reason=""),
                name="deliberation_rejection_has_reason",
                violation_error_message=_("Un refus donne son motif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} — {self.deliberation_number}"

    def get_additional_data(self) -> dict:
        return {"partner_id": self.party.partner_id}
