"""Workstreams (annexe 3 of the Cergy-Pontoise convention), their composition, deliverables and
the follow-up the COPIL records at each of its meetings (article 4.2)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.models import Meeting
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Partner, Person


class Workstream(models.Model):
    consortium = models.ForeignKey(
        Consortium,
        on_delete=models.PROTECT,
        related_name="workstreams",
        verbose_name=_("groupement"),
    )
    name = models.CharField(_("nom"), max_length=200)
    summary = models.CharField(_("en une phrase"), max_length=400, blank=True)
    missions = models.TextField(_("missions et contenu"), blank=True)
    composition = models.TextField(
        _("composition attendue"), blank=True, help_text=_("Par ex. « Agents, DSI, archivistes ».")
    )
    frequency = models.CharField(
        _("fréquence et format"),
        max_length=300,
        blank=True,
        help_text=_("Par ex. « Plusieurs séquences, en visio, 1 h par session »."),
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=0)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("chantier")
        verbose_name_plural = _("chantiers")
        ordering = ("position", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("consortium", "name"),
                name="workstream_unique_name",
                violation_error_message=_("Un chantier du groupement porte déjà ce nom."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programme:workstream_detail", args=[self.pk])


class MemberRole(models.TextChoices):
    LEAD = "lead", _("Pilote")
    MEMBER = "member", _("Contributeur")


class WorkstreamMember(models.Model):
    """A partner taking part in a workstream, through one of its people when named."""

    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="members", verbose_name=_("chantier")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="+", verbose_name=_("partenaire")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personne"),
    )
    role = models.CharField(
        _("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    objects = scoped_manager("workstream__consortium")

    class Meta:
        verbose_name = _("membre du chantier")
        verbose_name_plural = _("composition du chantier")
        ordering = ("role", "partner__name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("workstream", "partner", "person"),
                name="workstream_member_unique",
                nulls_distinct=False,
                violation_error_message=_("Ce membre fait déjà partie du chantier."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.partner})" if self.person_id else str(self.partner)

    def clean(self) -> None:
        if self.person_id and self.partner_id and self.person.partner_id != self.partner_id:
            raise ValidationError({"person": _("Cette personne ne représente pas ce partenaire.")})


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", _("Prévu")
    IN_PROGRESS = "in_progress", _("En cours")
    DELIVERED = "delivered", _("Livré")
    ACCEPTED = "accepted", _("Validé")
    CANCELLED = "cancelled", _("Abandonné")


#: A status's share of the work done, as Decidim's statuses carry one (explicit, no weights).
STATUS_PROGRESS = {
    DeliverableStatus.PLANNED: 0,
    DeliverableStatus.IN_PROGRESS: 50,
    DeliverableStatus.DELIVERED: 100,
    DeliverableStatus.ACCEPTED: 100,
}
DONE = (DeliverableStatus.DELIVERED, DeliverableStatus.ACCEPTED)


def _document_path(instance: "Deliverable", filename: str) -> str:
    return f"programme/workstreams/{instance.workstream_id}/{filename}"


class Deliverable(models.Model):
    """Closed or cancelled, never deleted: the COPIL's follow-ups speak of it."""

    workstream = models.ForeignKey(
        Workstream,
        on_delete=models.PROTECT,
        related_name="deliverables",
        verbose_name=_("chantier"),
    )
    title = models.CharField(_("livrable"), max_length=300)
    due_on = models.DateField(_("échéance"))
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=DeliverableStatus.choices,
        default=DeliverableStatus.PLANNED,
    )
    delivered_on = models.DateField(_("livré le"), null=True, blank=True)
    document = models.FileField(_("document livré (PDF)"), upload_to=_document_path, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    document_pages = models.PositiveIntegerField(null=True, blank=True, editable=False)

    objects = scoped_manager("workstream__consortium")

    class Meta:
        verbose_name = _("livrable")
        verbose_name_plural = _("livrables")
        ordering = ("due_on", "pk")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=DONE) | Q(delivered_on__isnull=False),
                name="deliverable_delivered_has_date",
                violation_error_message=_("Un livrable livré ou validé a sa date de livraison."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> int | None:
        return STATUS_PROGRESS.get(self.status)

    def is_late(self, today) -> bool:
        """OpenProject's "overdue": the due date has passed and it is neither done nor dropped."""
        done = (*DONE, DeliverableStatus.CANCELLED)
        return self.due_on < today and self.status not in done


class ObjectivesStatus(models.TextChoices):
    MET = "met", _("Atteints")
    PARTLY_MET = "partly_met", _("Partiellement atteints")
    REVISED = "revised", _("Révisés")
    NOT_MET = "not_met", _("Non atteints")


class WorkstreamReview(models.Model):
    """What a COPIL meeting records of one workstream: progress, objectives, resources used.

    One per workstream and meeting; it changes with the meeting's record until the minutes close
    (the services refuse it afterwards).
    """

    workstream = models.ForeignKey(
        Workstream, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("chantier")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="workstream_reviews",
        verbose_name=_("séance"),
    )
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MaxValueValidator(100)]
    )
    objectives = models.CharField(_("objectifs"), max_length=12, choices=ObjectivesStatus.choices)
    objectives_note = models.TextField(_("objectifs atteints ou révisés"), blank=True)
    resources = models.TextField(_("ressources mobilisées"), blank=True)
    staff_days = models.DecimalField(
        _("jours-agents mobilisés"), max_digits=7, decimal_places=1, null=True, blank=True
    )

    objects = scoped_manager("workstream__consortium")

    class Meta:
        verbose_name = _("suivi du chantier")
        verbose_name_plural = _("suivis des chantiers")
        ordering = ("workstream__position", "workstream__name")
        constraints = [
            models.UniqueConstraint(
                fields=("workstream", "meeting"),
                name="review_unique_meeting",
                violation_error_message=_("Ce chantier a déjà son suivi pour cette séance."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="review_progress_at_most_100",
                violation_error_message=_("L'avancement est un pourcentage, de 0 à 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workstream} — {self.meeting}"
