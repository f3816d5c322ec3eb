"""The consortium, its convention, its partners and the tenants they hold."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_siret

CONVENTION_MAX_YEARS = 4


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


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


class PartnerKind(models.TextChoices):
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    METROPOLE = "metropole", _("Métropole")
    COMMUNAUTE_AGGLOMERATION = "communaute_agglomeration", _("Communauté d'agglomération")
    COMMUNE = "commune", _("Commune")
    CIAS = "cias", _("Centre intercommunal d'action sociale (CIAS)")
    CCAS = "ccas", _("Centre communal d'action sociale (CCAS)")
    OTHER = "other", _("Autre")


class PartnerStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidat")
    MEMBER = "member", _("Membre")
    WITHDRAWING = "withdrawing", _("En cours de retrait")
    WITHDRAWN = "withdrawn", _("Retiré")
    EXCLUDED = "excluded", _("Exclu")


class Partner(models.Model):
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("dénomination"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=80)
    kind = models.CharField(_("catégorie"), max_length=30, choices=PartnerKind.choices)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        unique=True,
        validators=[validate_siret],
        help_text=_("14 chiffres, clé de contrôle vérifiée."),
    )
    address = models.CharField(_("adresse"), max_length=300)
    postal_code = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("commune"), max_length=100)
    billing_email = models.EmailField(
        _("courriel des titres de recette"),
        blank=True,
        help_text=_("Adresse du service financier qui reçoit les titres du partenaire."),
    )
    representative_name = models.CharField(_("représentant"), max_length=200)
    representative_title = models.CharField(_("qualité du représentant"), max_length=200)
    approving_body = models.CharField(_("instance ayant délibéré"), max_length=200, blank=True)
    approval_date = models.DateField(
        _("date de la délibération d'approbation"), null=True, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.CANDIDATE
    )
    in_2019_partnership = models.BooleanField(
        _("partenaire de 2019"),
        default=False,
        help_text=_("Déjà membre du partenariat de 2019 : ses données sont reprises."),
    )
    # Set by the membership services only; billing reads them to prorate equal shares.
    member_since = models.DateField(_("membre depuis le"), null=True, blank=True)
    member_until = models.DateField(
        _("membre jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Date d'effet du retrait ou de l'exclusion."),
    )

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "name"],
                name="partner_name_unique",
                violation_error_message=_(
                    "Un partenaire du groupement porte déjà cette dénomination."
                ),
            ),
            models.CheckConstraint(
                condition=Exact(Length("siret"), 14),
                name="partner_siret_14_chars",
                violation_error_message=_("Le SIRET compte 14 chiffres."),
            ),
            models.CheckConstraint(
                condition=Exact(Length("postal_code"), 5),
                name="partner_postal_code_5_chars",
                violation_error_message=_("Le code postal compte 5 chiffres."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:partner_detail", args=[self.pk])

    @property
    def is_coordinator(self) -> bool:
        return self.consortium.coordinator_id == self.pk


class Tenant(models.Model):
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="tenants"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=200)
    opened_on = models.DateField(_("ouvert le"))
    deployed_on = models.DateField(
        _("déployé le"),
        null=True,
        blank=True,
        help_text=_(
            "Mise en place de la solution : à partir de cette date, le tenant vote (article 6)."
        ),
    )
    closed_on = models.DateField(_("fermé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "code"],
                name="tenant_code_unique",
                violation_error_message=_("Un tenant du groupement porte déjà ce code."),
            ),
            models.CheckConstraint(
                condition=Q(deployed_on__isnull=True) | Q(deployed_on__gte=F("opened_on")),
                name="tenant_deployed_after_opening",
                violation_error_message=_("Un tenant ne peut être déployé avant son ouverture."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="tenant_closed_after_opening",
                violation_error_message=_("Un tenant ne peut être fermé avant son ouverture."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("partners:tenant_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.opened_on and self.deployed_on and self.deployed_on < self.opened_on:
            errors["deployed_on"] = _("Un tenant ne peut être déployé avant son ouverture.")
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = _("Un tenant ne peut être fermé avant son ouverture.")
        if errors:
            raise ValidationError(errors)

    def is_deployed_on(self, day: datetime.date) -> bool:
        return self.deployed_on is not None and self.deployed_on <= day


class Holding(models.Model):
    """A partner holds a tenant; among a tenant's holders exactly one is its payer."""

    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="holdings"
    )
    tenant = models.ForeignKey(
        Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="holdings"
    )
    is_payer = models.BooleanField(
        _("interlocuteur financier unique"),
        default=False,
        help_text=_("Reçoit et règle les pièces financières du tenant (article 7)."),
    )
    since = models.DateField(_("depuis le"), null=True, blank=True)

    class Meta:
        verbose_name = _("détention de tenant")
        verbose_name_plural = _("détentions de tenants")
        ordering = ["tenant__code", "-is_payer", "partner__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "tenant"],
                name="holding_unique",
                violation_error_message=_("Ce partenaire détient déjà ce tenant."),
            ),
            models.UniqueConstraint(
                fields=["tenant"],
                condition=Q(is_payer=True),
                name="holding_one_payer_per_tenant",
                violation_error_message=_("Ce tenant a déjà un interlocuteur financier unique."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} — {self.tenant.code}"

    def get_additional_data(self) -> dict:
        # Kept in the audit entry so the history survives the holding's removal.
        return {"tenant_id": self.tenant_id, "partner_id": self.partner_id}


class PersonRole(models.TextChoices):
    DGS = "dgs", _("Directeur général des services (DGS)")
    DSI = "dsi", _("Directeur des systèmes d'information (DSI)")
    ARCHIVES = "archives", _("Responsable des archives")
    PROJECT_AGENT = "project_agent", _("Agent chargé du projet")
    OTHER = "other", _("Autre")


class Civility(models.TextChoices):
    MR = "M.", _("M.")
    MRS = "Mme", _("Mme")


class Person(models.Model):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="people"
    )
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    role = models.CharField(_("fonction"), max_length=20, choices=PersonRole.choices)
    job_title = models.CharField(_("intitulé du poste"), max_length=200, blank=True)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("interlocuteur")
        verbose_name_plural = _("interlocuteurs")
        ordering = ["partner__name", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "email"],
                name="person_email_unique_per_partner",
                violation_error_message=_("Un interlocuteur de ce partenaire a déjà ce courriel."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_feminine(self) -> bool:
        """Whether French documents write her titles and agreements in the feminine."""
        return self.civility == Civility.MRS

    @property
    def formal_name(self) -> str:
        """ "Mme Claire Dumontet", as official documents name a person."""
        if not self.civility:
            return str(self)
        return f"{self.civility}\u00a0{self}"

    def get_additional_data(self) -> dict:
        return {"partner_id": self.partner_id}
