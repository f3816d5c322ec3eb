from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Tariff grids, cost pools, allocation of quote-parts and the annual recap."""

    name = "billing"
    verbose_name = _("Répartition des coûts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from billing import models, receivers
        from titres.signals import titres_issued

        titres_issued.connect(
            receivers.lock_runs_of_issued_titres, dispatch_uid="billing.lock_runs_of_issued_titres"
        )

        for model in (
            models.TariffGrid,
            models.TariffLine,
            models.CostPool,
            models.Expense,
            models.StaffTime,
            models.StorageVolume,
            models.OrderingPeriod,
            models.PurchaseOrderLine,
        ):
            auditlog.register(model)
        # Shares are written once with their run, whose creation the audit trail records.
        # Big payloads stay out of the audit entries: the rows and inputs are kept on the objects.
        auditlog.register(models.VolumeImport, exclude_fields=["rows"])
        auditlog.register(models.AllocationRun, exclude_fields=["inputs"])
        # Each step of an order (state, comment, reason, number) is an entry; not its PDF.
        auditlog.register(models.PurchaseOrder, exclude_fields=["pdf"])
