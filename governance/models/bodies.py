"""Committees and their seats, and the years whose meeting count is settled."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance import voting
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Partner, Person, PersonRole


class BodyKind(models.TextChoices):
    STEERING = "steering", _("Comité de pilotage (COPIL)")
    TECHNICAL = "technical", _("Comité technique (COTECH)")
    WORKING_GROUP = "working_group", _("Groupe de travail")


class MajorityBase(models.TextChoices):
    CAST = voting.BASE_CAST, _("Suffrages exprimés")
    PRESENT = voting.BASE_PRESENT, _("Tenants délibérants présents ou représentés")
    ALL = voting.BASE_ALL, _("Tous les tenants délibérants")


#: Article 6: the COPIL meets at least once a year, the COTECH at least three times.
DEFAULT_MINIMUM_MEETINGS = {BodyKind.STEERING: 1, BodyKind.TECHNICAL: 3, BodyKind.WORKING_GROUP: 0}


class Body(models.Model):
    consortium = models.ForeignKey(
        Consortium, on_delete=models.PROTECT, related_name="bodies", verbose_name=_("groupement")
    )
    kind = models.CharField(_("type"), max_length=20, choices=BodyKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=40)
    minimum_meetings = models.PositiveSmallIntegerField(_("séances minimales par an"), default=0)
    max_proxies = models.PositiveSmallIntegerField(
        _("pouvoirs par mandataire au plus"),
        default=1,
        help_text=_("CGCT L2121-20 : un membre ne détient qu'un pouvoir."),
    )
    quorum = models.DecimalField(
        _("quorum (part des tenants délibérants)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
        help_text=_("Vide : pas de quorum. 0,5 : la moitié des tenants délibérants."),
    )
    quorum_counts_proxies = models.BooleanField(
        _("les pouvoirs comptent pour le quorum"), default=True
    )
    majority_base = models.CharField(
        _("base des deux tiers"),
        max_length=10,
        choices=MajorityBase.choices,
        default=MajorityBase.CAST,
    )
    abstention_breaks_consensus = models.BooleanField(
        _("une abstention rompt le consensus"), default=False
    )
    notice_days = models.PositiveSmallIntegerField(_("délai de convocation (jours)"), default=15)
    numbers_deliberations = models.BooleanField(
        _("numérote ses délibérations"),
        default=False,
        help_text=_("Le procès-verbal désigne alors chaque point par son numéro de délibération."),
    )
    # A working group exists by a COTECH decision that sets its mandate.
    created_by = models.ForeignKey(
        "Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="working_groups",
        verbose_name=_("créé par la décision"),
    )
    mandate = models.TextField(_("mandat"), blank=True)
    mandate_ends_on = models.DateField(_("fin du mandat"), null=True, blank=True)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("instance")
        verbose_name_plural = _("instances")
        ordering = ("kind", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("consortium", "name"),
                name="body_unique_name",
                violation_error_message=_("Une instance du groupement porte déjà ce nom."),
            ),
            models.CheckConstraint(
                condition=Q(kind=BodyKind.WORKING_GROUP) | Q(created_by__isnull=True),
                name="body_only_working_groups_created_by_decision",
                violation_error_message=_("Seul un groupe de travail est créé par une décision."),
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:body_detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind == BodyKind.WORKING_GROUP and not (self.mandate and self.mandate_ends_on):
            raise ValidationError(
                _("Un groupe de travail a un mandat : son objet et sa date de fin.")
            )


class Seat(models.Model):
    """Which person represents which partner in a body, in which role."""

    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="seats", verbose_name=_("instance")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="seats", verbose_name=_("personne")
    )
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="seats", verbose_name=_("partenaire")
    )
    role = models.CharField(_("fonction"), max_length=20, choices=PersonRole.choices)
    is_active = models.BooleanField(_("siège actif"), default=True)
    order = models.PositiveSmallIntegerField(
        _("rang protocolaire"),
        default=0,
        help_text=_("L'ordre dans lequel le procès-verbal nomme les membres."),
    )

    objects = scoped_manager("body__consortium")

    class Meta:
        verbose_name = _("siège")
        verbose_name_plural = _("sièges")
        ordering = ("order", "partner__name", "person__last_name")
        constraints = [
            models.UniqueConstraint(
                fields=("body", "person"),
                name="seat_unique_person",
                violation_error_message=_("Cette personne siège déjà dans cette instance."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.partner.short_name})"

    def clean(self) -> None:
        if self.person_id and self.partner_id and self.person.partner_id != self.partner_id:
            raise ValidationError({"person": _("Cette personne ne représente pas ce partenaire.")})


class ClosedYear(models.Model):
    """A calendar year the coordinator has closed: no meeting may be dated in it any more."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("année"))
    closed_at = models.DateTimeField(_("close le"), auto_now_add=True)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("année close")
        verbose_name_plural = _("années closes")
        constraints = [
            models.UniqueConstraint(
                fields=("consortium", "year"),
                name="closed_year_unique",
                violation_error_message=_("Cette année est déjà close."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)
