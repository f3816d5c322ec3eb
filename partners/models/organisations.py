"""The legal body behind a partner: one organisation may be a member of several consortia."""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_siret

# What an organisation holds for all its memberships; Partner reads them through properties.
LEGAL_FIELDS = ("siret", "address", "postal_code", "city")


class Organisation(models.Model):
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        unique=True,
        validators=[validate_siret],
        help_text=_("14 chiffres, clé de contrôle vérifiée."),
        error_messages={"unique": _("Une organisation porte déjà ce SIRET.")},
    )
    name = models.CharField(_("dénomination"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300)
    postal_code = models.CharField(_("code postal"), max_length=5)
    city = models.CharField(_("commune"), max_length=100)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("siret"), 14),
                name="organisation_siret_14_chars",
                violation_error_message=_("Le SIRET compte 14 chiffres."),
            ),
            models.CheckConstraint(
                condition=Exact(Length("postal_code"), 5),
                name="organisation_postal_code_5_chars",
                violation_error_message=_("Le code postal compte 5 chiffres."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
