"""The services a consortium offers and their price in each year's voted catalogue."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=13, decimal_places=2, **kwargs)


class ServiceKind(models.TextChoices):
    FLAT = "flat", _("Forfait annuel (proratisé par douzièmes)")
    UNIT = "unit", _("À l'unité (non proratisé)")
    VOLUME = "volume", _("Au volume d'espace disque alloué")


class Service(models.Model):
    """A service of the catalogue: its identity stays from year to year, its price does not."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("code"), max_length=30)
    label = models.CharField(_("libellé"), max_length=200)
    unit = models.CharField(_("unité"), max_length=50, help_text=_("Par exemple « an », « To »."))
    kind = models.CharField(_("nature"), max_length=10, choices=ServiceKind.choices)
    annex = models.CharField(_("annexe"), max_length=50, blank=True)
    subcontractor = models.CharField(_("sous-traitant"), max_length=200, blank=True)
    complementary = models.BooleanField(
        _("service complémentaire"),
        default=False,
        help_text=_("Hors offre de base : facturé sur un titre à part (convention 002)."),
    )
    withdrawn_on = models.DateField(_("retiré le"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("service du catalogue")
        verbose_name_plural = _("services du catalogue")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "code"],
                name="catalogue_service_code_unique",
                violation_error_message=_("Un service porte déjà ce code."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


class Catalogue(models.Model):
    """One year's prices, voted by the coordinator's council; frozen once voted."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    voted_on = models.DateField(_("voté le"), null=True, blank=True)
    decision = models.CharField(_("délibération"), max_length=200, blank=True)
    indexed_from = models.ForeignKey(
        "self",
        verbose_name=_("repris du catalogue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    index_rate = models.DecimalField(
        _("taux d'indexation (%)"), max_digits=6, decimal_places=3, null=True, blank=True
    )

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("catalogue annuel")
        verbose_name_plural = _("catalogues annuels")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "year"],
                name="catalogue_year_unique",
                violation_error_message=_("Le catalogue de cette année existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="catalogue_year_plausible",
                violation_error_message=_("L'année doit être comprise entre 2000 et 2100."),
            ),
        ]

    def __str__(self) -> str:
        return _("Catalogue %(year)s") % {"year": self.year}

    def get_absolute_url(self) -> str:
        return reverse("catalogue:catalogue_detail", args=[self.pk])

    @property
    def is_voted(self) -> bool:
        return self.voted_on is not None


class ServicePrice(models.Model):
    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("catalogue"), on_delete=models.CASCADE, related_name="prices"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="prices"
    )
    price = money_field(_("prix unitaire HT (€)"))

    objects = scoped_manager("catalogue__consortium")

    class Meta:
        verbose_name = _("prix d'un service")
        verbose_name_plural = _("prix des services")
        ordering = ["catalogue", "service__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "service"],
                name="catalogue_price_unique",
                violation_error_message=_("Ce service a déjà un prix dans ce catalogue."),
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0),
                name="catalogue_price_not_negative",
                violation_error_message=_("Un prix ne peut pas être négatif."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.code} : {self.price} €"
