"""Changes a partner proposes to its own people and billing e-mail, validated by the coordinator."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import acting_user
from ligeris.lib.scopes import scoped_manager
from partners.models.members import Partner
from partners.models.people import Civility, Person, PersonRole


class ContactKind(models.TextChoices):
    DGS = PersonRole.DGS.value, PersonRole.DGS.label
    DSI = PersonRole.DSI.value, PersonRole.DSI.label
    ARCHIVES = PersonRole.ARCHIVES.value, PersonRole.ARCHIVES.label
    PROJECT_AGENT = PersonRole.PROJECT_AGENT.value, PersonRole.PROJECT_AGENT.label
    BILLING_EMAIL = "billing_email", _("Courriel des titres de recette")


class ContactChangeState(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    VALIDATED = "validated", _("Validée, prendra effet à sa date")
    APPLIED = "applied", _("Appliquée")
    REJECTED = "rejected", _("Refusée")


class ContactChange(models.Model):
    """A new holder of one of the partner's roles (or its billing e-mail) from a date.

    Applied on its date: the person replaced is no longer active, the new one is, and the seats
    of the replaced person pass to the new one (the layer above follows `person_replaced`).
    """

    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="contact_changes",
        verbose_name=_("partenaire"),
    )
    kind = models.CharField(_("changement"), max_length=20, choices=ContactKind.choices)
    replaces = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("remplace"),
    )
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("prénom"), max_length=100, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, blank=True)
    job_title = models.CharField(_("intitulé du poste"), max_length=200, blank=True)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    effective_on = models.DateField(_("à compter du"))
    state = models.CharField(
        _("état"),
        max_length=12,
        choices=ContactChangeState.choices,
        default=ContactChangeState.PENDING,
    )
    proposed_at = models.DateTimeField(_("proposée le"), auto_now_add=True)
    proposed_by = acting_user(_("proposée par"))
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = acting_user(_("traitée par"))
    reason = models.TextField(_("motif du refus"), blank=True, max_length=5000)
    applied_at = models.DateTimeField(_("appliquée le"), null=True, blank=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nouvel interlocuteur"),
    )

    objects = scoped_manager("partner__consortium")

    class Meta:
        verbose_name = _("changement d'interlocuteur")
        verbose_name_plural = _("changements d'interlocuteurs")
        ordering = ("-proposed_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ContactKind.BILLING_EMAIL)
                | (~Q(first_name="") & ~Q(last_name="")),
                name="contact_change_person_named",
                violation_error_message=_("Indiquez le prénom et le nom du nouvel interlocuteur."),
            ),
            models.CheckConstraint(
                condition=~Q(state=ContactChangeState.REJECTED) | ~Q(reason=""),
                name="contact_change_rejection_has_reason",
                violation_error_message=_("Un refus donne son motif."),
            ),
            models.CheckConstraint(
                condition=Q(state=ContactChangeState.APPLIED, applied_at__isnull=False)
                | (~Q(state=ContactChangeState.APPLIED) & Q(applied_at__isnull=True)),
                name="contact_change_applied_dated",
                violation_error_message=_("Un changement appliqué est daté, et lui seul."),
            ),
        ]

    def __str__(self) -> str:
        who = (
            self.email
            if self.kind == ContactKind.BILLING_EMAIL
            else f"{self.first_name} {self.last_name}"
        )
        return f"{self.partner.short_name} — {self.get_kind_display()} : {who}"

    def get_additional_data(self) -> dict:
        return {"partner_id": self.partner_id}
