"""Members' subscriptions, from the commissioning report; the titres they made."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from catalogue.models.catalogue import Catalogue, Service
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Partner


class CommissioningReport(models.Model):
    """The procès-verbal de mise en service: the service runs from the first of the next month."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField(_("signé le"))
    signatories = models.TextField(_("signataires"), help_text=_("Un signataire par ligne."))
    note = models.CharField(_("objet"), max_length=200, blank=True)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("procès-verbal de mise en service")
        verbose_name_plural = _("procès-verbaux de mise en service")
        ordering = ["-signed_on", "pk"]

    def __str__(self) -> str:
        return _("PV de mise en service du %(date)s") % {
            "date": self.signed_on.strftime("%d/%m/%Y")
        }


class Subscription(models.Model):
    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    report = models.ForeignKey(
        CommissioningReport,
        verbose_name=_("PV de mise en service"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    quantity = models.DecimalField(
        _("quantité"),
        max_digits=12,
        decimal_places=3,
        help_text=_("1 pour un forfait ; le nombre d'unités ; l'espace disque alloué (To)."),
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["partner__name", "service__code", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="catalogue_subscription_quantity_positive",
                violation_error_message=_("La quantité doit être positive."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="catalogue_subscription_dates",
                violation_error_message=_("La fin d'un abonnement ne précède pas son début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.short_name} — {self.service.code}"


class CatalogueTitre(models.Model):
    """Which titre billed a member on a year's catalogue: a year is billed once per member."""

    catalogue = models.ForeignKey(
        Catalogue, verbose_name=_("catalogue"), on_delete=models.PROTECT, related_name="titres"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("membre"), on_delete=models.PROTECT, related_name="+"
    )
    complementary = models.BooleanField(_("services complémentaires"), default=False)
    titre = models.OneToOneField(
        "titres.RevenueTitle",
        verbose_name=_("titre"),
        on_delete=models.CASCADE,
        related_name="catalogue_billing",
    )

    objects = scoped_manager("catalogue__consortium")

    class Meta:
        verbose_name = _("titre du catalogue")
        verbose_name_plural = _("titres du catalogue")
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "partner", "complementary"],
                name="catalogue_titre_once",
                violation_error_message=_("Ce membre est déjà facturé sur ce catalogue."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.catalogue} — {self.partner_id}"
