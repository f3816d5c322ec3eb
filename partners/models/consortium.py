"""The consortium, its convention and the convention's amendments."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager

CONVENTION_MAX_YEARS = 4


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class BillingMode(models.TextChoices):
    """How a consortium computes what its titres carry."""

    COST_SHARING = "cost_sharing", _("Répartition des coûts (clés de répartition)")
    CATALOGUE = "catalogue", _("Catalogue de services tarifés")
    NONE = "none", _("Aucune facturation")


class Consortium(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    short_name = models.CharField(_("nom court"), max_length=50)
    platform = models.CharField(_("plateforme"), max_length=200, blank=True)
    coordinator = models.ForeignKey(
        "Partner",
        verbose_name=_("coordonnateur"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_consortia",
    )
    withdrawal_on_january = models.BooleanField(
        _("retrait au 1er janvier"),
        default=False,
        help_text=_(
            "Règle de la convention 004 : un retrait prend effet au 1er janvier suivant, au moins "
            "trois mois après la réception du préavis."
        ),
    )

    shares_costs = models.BooleanField(
        _("répartit des coûts"),
        default=True,
        help_text=_(
            "Décoché pour un partenariat sans répartition des coûts (conventions 001/003) : "
            "la répartition, les titres et les bons de commande disparaissent de la navigation."
        ),
    )

    billing_mode = models.CharField(
        _("mode de facturation"),
        max_length=15,
        choices=BillingMode.choices,
        default=BillingMode.COST_SHARING,
        help_text=_(
            "Répartition des coûts (convention 000), catalogue de services voté chaque année "
            "(conventions 002 et 004) ou aucune facturation (conventions 001/003)."
        ),
    )

    class Meta:
        verbose_name = _("groupement")
        verbose_name_plural = _("groupements")

    def __str__(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        if self.coordinator_id and self.coordinator.consortium_id != self.pk:
            raise ValidationError(
                {"coordinator": _("Le coordonnateur doit être un partenaire du groupement.")}
            )


class Convention(models.Model):
    consortium = models.ForeignKey(
        Consortium,
        verbose_name=_("groupement"),
        on_delete=models.PROTECT,
        related_name="conventions",
    )
    title = models.CharField(_("intitulé"), max_length=300)
    signed_on = models.DateField(_("date de signature"))
    starts_on = models.DateField(_("date d'effet"))
    ends_on = models.DateField(
        _("date de fin"),
        null=True,
        blank=True,
        help_text=_(
            "Au plus quatre ans après la date d'effet (article 11). Facultative pour une "
            "convention reconduite tacitement : la première période s'achève alors au bout de "
            "la durée de reconduction."
        ),
    )
    renewal_years = models.PositiveSmallIntegerField(
        _("reconduction tacite (années)"),
        null=True,
        blank=True,
        help_text=_(
            "Vide : la convention prend fin à sa date de fin. Sinon, elle est reconduite "
            "tacitement par périodes de cette durée (par ex. 2 ans, 1 an)."
        ),
    )
    notice_months = models.PositiveSmallIntegerField(
        _("préavis de retrait (mois)"), default=3, help_text=_("Article 8 : trois mois.")
    )
    # The other seeds' terms (002, 004): recorded with the convention, read where they apply.
    membership_of = models.CharField(
        _("adhésion requise"),
        max_length=200,
        blank=True,
        help_text=_(
            "Par exemple « GIP RECIA » (convention 002) : la convention prend fin pour un "
            "membre qui quitte ce groupement."
        ),
    )
    amicable_letters = models.PositiveSmallIntegerField(
        _("lettres amiables avant recours"),
        default=0,
        help_text=_(
            "Nombre de lettres de règlement amiable avant de saisir le tribunal "
            "(convention 002 : deux)."
        ),
    )
    amendment_approval_months = models.PositiveSmallIntegerField(
        _("délai d'approbation des avenants (mois)"),
        null=True,
        blank=True,
        help_text=_(
            "Chaque membre approuve un avenant dans ce délai après la délibération du "
            "coordonnateur (convention 004 : six mois). Vide : pas de délai."
        ),
    )
    catalogue_without_amendment = models.BooleanField(
        _("catalogue modifié sans avenant"),
        default=False,
        help_text=_(
            "Les prix et services du catalogue, votés par le conseil du coordonnateur, "
            "changent sans avenant (convention 004)."
        ),
    )

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="convention_ends_after_start",
                violation_error_message=_(
                    "La date de fin de la convention doit suivre sa date d'effet."
                ),
            ),
            # Either an end date or a tacit renewal: a convention never runs without a term.
            models.CheckConstraint(
                condition=Q(ends_on__isnull=False) | Q(renewal_years__isnull=False),
                name="convention_ends_or_renews",
                violation_error_message=_(
                    "Indiquez une date de fin ou une durée de reconduction tacite (article 11)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(renewal_years__isnull=True)
                | Q(renewal_years__gte=1, renewal_years__lte=CONVENTION_MAX_YEARS),
                name="convention_renewal_one_to_four_years",
                violation_error_message=_(
                    "Une reconduction tacite dure de un à quatre ans (article 11)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__gte=F("signed_on")),
                name="convention_starts_after_signature",
                violation_error_message=_(
                    "La convention ne peut pas prendre effet avant sa signature."
                ),
            ),
            # Four calendar years never exceed 1,461 days; the exact calendar rule is clean()'s.
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(ends_on__lte=F("starts_on") + datetime.timedelta(days=1461)),
                name="convention_at_most_four_years",
                violation_error_message=_("La convention ne peut excéder quatre ans (article 11)."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def latest_end(self) -> datetime.date:
        return add_years(self.starts_on, CONVENTION_MAX_YEARS)

    @property
    def is_tacitly_renewed(self) -> bool:
        return self.renewal_years is not None

    def current_end(self, today: datetime.date) -> datetime.date | None:
        """The last day of the period running on `today` (of the last period once it is over).

        A tacitly renewed convention's first period ends on `ends_on` when given, else after
        `renewal_years`; each renewal adds `renewal_years` (seeds 001/003: two, 002: one).
        """
        if not self.is_tacitly_renewed:
            return self.ends_on
        one_day = datetime.timedelta(days=1)
        end = self.ends_on or add_years(self.starts_on, self.renewal_years) - one_day
        # At most a few dozen turns: the years field bounds the dates.
        while end < today:
            end = add_years(end + one_day, self.renewal_years) - one_day
        return end

    def amendment_deadline(self, deliberated_on: datetime.date) -> datetime.date | None:
        """The last day for every member to approve an amendment the coordinator deliberated
        on that day (seed 004: six months), or None when the convention sets no delay."""
        if self.amendment_approval_months is None:
            return None
        index = deliberated_on.year * 12 + deliberated_on.month - 1 + self.amendment_approval_months
        year, month = divmod(index, 12)
        last = calendar.monthrange(year, month + 1)[1]
        return deliberated_on.replace(year=year, month=month + 1, day=min(deliberated_on.day, last))

    def court_referral_allowed(self, letters_sent: int) -> bool:
        """A dispute goes to court only after the amicable letters (seed 002: two)."""
        return letters_sent >= self.amicable_letters

    def clean(self) -> None:
        errors = {}
        if self.signed_on and self.starts_on and self.starts_on < self.signed_on:
            errors["starts_on"] = _("La convention ne peut pas prendre effet avant sa signature.")
        if not self.ends_on and self.renewal_years is None:
            errors["ends_on"] = _(
                "Indiquez une date de fin, ou une durée de reconduction tacite (article 11)."
            )
        if self.renewal_years is not None and not 1 <= self.renewal_years <= CONVENTION_MAX_YEARS:
            errors["renewal_years"] = _(
                "Une période de reconduction dure d'un à quatre ans (article 11)."
            )
        if self.starts_on and self.ends_on:
            if self.ends_on <= self.starts_on:
                errors["ends_on"] = _("La date de fin doit suivre la date d'effet.")
            elif self.ends_on > self.latest_end:
                errors["ends_on"] = _(
                    "La convention ne peut excéder quatre ans (article 11) : "
                    "date de fin au plus tard le %(date)s."
                ) % {"date": self.latest_end.strftime("%d/%m/%Y")}
        if errors:
            raise ValidationError(errors)


class AmendmentKind(models.TextChoices):
    ADMISSION = "admission", _("Adhésion")
    WITHDRAWAL = "withdrawal", _("Retrait")
    EXCLUSION = "exclusion", _("Exclusion")
    TERMINATION = "termination", _("Résiliation d'un commun accord")
    OTHER = "other", _("Autre modification")


class Amendment(models.Model):
    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention"),
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    kind = models.CharField(_("objet"), max_length=20, choices=AmendmentKind.choices)
    title = models.CharField(_("intitulé"), max_length=300)
    partner = models.ForeignKey(
        "Partner",
        verbose_name=_("partenaire concerné"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
    )
    signed_on = models.DateField(_("date de signature"), null=True, blank=True)
    effective_on = models.DateField(_("date d'effet"), null=True, blank=True)
    summary = models.TextField(_("résumé"), blank=True)

    objects = scoped_manager("convention__consortium")

    class Meta:
        verbose_name = _("avenant")
        verbose_name_plural = _("avenants")
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"],
                name="amendment_number_unique_per_convention",
                violation_error_message=_("Cette convention a déjà un avenant de ce numéro."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="amendment_number_positive",
                violation_error_message=_("Un avenant est numéroté à partir de 1."),
            ),
        ]

    def __str__(self) -> str:
        return _("Avenant n° %(number)s") % {"number": self.number}
