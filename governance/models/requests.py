"""A partner's request for a meeting (article 6: the COTECH meets "more at any partner's request")."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.models.bodies import Body
from governance.models.meetings import Meeting
from ligeris.lib.fields import acting_user
from ligeris.lib.scopes import scoped_manager
from partners.models import Partner


class RequestState(models.TextChoices):
    PENDING = "pending", _("En attente")
    SCHEDULED = "scheduled", _("Séance programmée")
    ANSWERED = "answered", _("Réponse donnée")


class MeetingRequest(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="requests", verbose_name=_("instance")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="meeting_requests",
        verbose_name=_("partenaire"),
    )
    requested_by = acting_user(_("demandée par"))
    subject = models.CharField(_("objet"), max_length=300)
    details = models.TextField(_("précisions"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    state = models.CharField(
        _("état"), max_length=12, choices=RequestState.choices, default=RequestState.PENDING
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("séance programmée"),
    )
    answer = models.TextField(_("réponse"), blank=True, max_length=5000)
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = acting_user(_("traitée par"))
    # Stamped with the e-mail that tells the requester: a task run again sends nothing more.
    notified_at = models.DateTimeField(_("demandeur informé le"), null=True, blank=True)

    objects = scoped_manager("body__consortium")

    class Meta:
        verbose_name = _("demande de séance")
        verbose_name_plural = _("demandes de séance")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(state=RequestState.SCHEDULED, meeting__isnull=False)
                | (~Q(state=RequestState.SCHEDULED) & Q(meeting__isnull=True)),
                name="meeting_request_scheduled_has_meeting",
                violation_error_message=_(
                    "Une demande programmée renvoie à sa séance, et elle seule."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(state=RequestState.ANSWERED) | ~Q(answer=""),
                name="meeting_request_answer_has_reason",
                violation_error_message=_("Une réponse sans séance donne son motif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} — {self.subject}"

    def get_additional_data(self) -> dict:
        return {"partner_id": self.partner_id}
