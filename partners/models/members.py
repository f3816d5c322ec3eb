"""The partners, the tenants they hold and who holds each."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models.consortium import (
    Consortium,
)
from partners.models.organisations import Organisation


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


def _legal(name: str):
    def get(partner):
        pending = getattr(partner, "_legal_pending", {})
        if name in pending:
            return pending[name]
        return getattr(partner.organisation, name) if partner.organisation_id else ""

    def set(partner, value):
        partner.__dict__.setdefault("_legal_pending", {})[name] = value

    return get, set


class Partner(models.Model):
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("dénomination"), max_length=200)
    short_name = models.CharField(_("nom court"), max_length=80)
    kind = models.CharField(_("catégorie"), max_length=30, choices=PartnerKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
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

    objects = scoped_manager("consortium")

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
            models.UniqueConstraint(
                fields=["consortium", "organisation"],
                name="partner_organisation_unique",
                violation_error_message=_(
                    "Cette organisation (même SIRET) est déjà partenaire du groupement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if getattr(self, "_legal_pending", None) or not self.organisation_id:
            organisation = self.resolved_organisation()
            organisation.save()
            self.organisation = organisation
            self._legal_pending = {}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("partners:partner_detail", args=[self.pk])

    # The legal body's SIRET and address, read and written as if they were the partner's: a
    # value set is kept here until save() writes it on the organisation (created or reused).
    siret = property(*_legal("siret"))
    address = property(*_legal("address"))
    postal_code = property(*_legal("postal_code"))
    city = property(*_legal("city"))

    def resolved_organisation(self) -> Organisation:
        """The organisation this partner saves to, with the values set on the partner."""
        pending = getattr(self, "_legal_pending", {})
        organisation = self.organisation if self.organisation_id else None
        if organisation is None:
            organisation = Organisation.objects.filter(siret=pending.get("siret", "")).first()
            organisation = organisation or Organisation(name=self.name)
        for name, value in pending.items():
            setattr(organisation, name, value)
        return organisation

    def refresh_from_db(self, *args, **kwargs):
        self._legal_pending = {}
        if Partner.organisation.field.is_cached(self):
            Partner.organisation.field.delete_cached_value(self)
        super().refresh_from_db(*args, **kwargs)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        organisation = self.resolved_organisation()
        errors: dict = {}
        try:
            organisation.full_clean(
                exclude=["name"], validate_unique=validate_unique, validate_constraints=True
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if organisation.pk and not self.organisation_id:
            self.organisation = organisation
        exclude = set(exclude or ())
        if not self.organisation_id:
            exclude.add("organisation")
        try:
            super().full_clean(exclude, validate_unique, validate_constraints)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

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

    objects = scoped_manager("consortium")

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

    objects = scoped_manager("tenant__consortium")

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
