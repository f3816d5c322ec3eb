"""What follows the meetings: actions, convocation deliveries and frequency alerts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from governance.models.bodies import Body, Seat
from governance.models.meetings import AgendaItem, Meeting
from ligeris.lib.scopes import scoped_manager
from partners.models import Person


class ActionStatus(models.TextChoices):
    OPEN = "open", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Faite")
    CANCELLED = "cancelled", _("Abandonnée")


class Action(models.Model):
    """An action of the plan, arising from an agenda item."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="actions", verbose_name=_("point")
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsable")
    )
    due_on = models.DateField(_("échéance"))
    status = models.CharField(
        _("état"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)

    objects = scoped_manager("item__meeting__body__consortium")

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ("due_on", "pk")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ConvocationDelivery(models.Model):
    """The convocation e-mail sent to one seat: recorded once, never sent twice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="deliveries")
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager("meeting__body__consortium")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "seat"),
                name="delivery_unique_seat",
                violation_error_message=_("La convocation de ce membre est déjà enregistrée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} → {self.email}"


class FrequencyAlert(models.Model):
    """A reminder that a body is behind its yearly minimum: at most one per body and month."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_manager("body__consortium")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("body", "year", "month"),
                name="alert_unique_month",
                violation_error_message=_("L'alerte de ce mois est déjà enregistrée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.month:02d}/{self.year}"
