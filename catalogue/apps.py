from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """Catalogue-priced billing (seeds 002, 004): services voted each year, members' subscriptions
    from their commissioning report, the annual titre drafted through billing's titre engine."""

    name = "catalogue"
    verbose_name = _("Catalogue de services")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from catalogue import models

        for model in (
            models.Catalogue,
            models.Service,
            models.ServicePrice,
            models.CommissioningReport,
            models.Subscription,
        ):
            auditlog.register(model)
