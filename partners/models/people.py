"""The people of the partners: their roles and how they are addressed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models.members import Partner


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

    objects = scoped_manager("partner__consortium")

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
