"""Storage volumes per tenant and date, and the files they were imported from."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium, Tenant


class VolumeImport(models.Model):
    """An uploaded volume file: previewed first, applied once every row is valid."""

    consortium = models.ForeignKey(
        Consortium, verbose_name=_("groupement"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("fichier"), max_length=255)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    rows = models.JSONField(_("lignes normalisées"), default=list)
    applied_at = models.DateTimeField(_("importé le"), null=True, blank=True)

    objects = scoped_manager("consortium")

    class Meta:
        verbose_name = _("import de volumétrie")
        verbose_name_plural = _("imports de volumétrie")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class StorageVolume(models.Model):
    tenant = models.ForeignKey(
        Tenant, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="volumes"
    )
    measured_on = models.DateField(_("date du relevé"))
    gigabytes = models.DecimalField(_("volume (Go)"), max_digits=15, decimal_places=3)
    source = models.ForeignKey(
        VolumeImport,
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volumes",
    )

    objects = scoped_manager("tenant__consortium")

    class Meta:
        verbose_name = _("volumétrie")
        verbose_name_plural = _("volumétries")
        ordering = ["-measured_on", "tenant__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "measured_on"],
                name="storage_volume_one_per_tenant_and_date",
                violation_error_message=_("Un seul relevé par tenant et par date."),
            ),
            models.CheckConstraint(
                condition=Q(gigabytes__gte=0),
                name="storage_volume_not_negative",
                violation_error_message=_("Une volumétrie ne peut pas être négative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant.code} {self.measured_on:%d/%m/%Y} {self.gigabytes} Go"

    def get_additional_data(self) -> dict:
        return {"tenant_id": self.tenant_id}
