from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et tenants")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ligeris.lib import tables

        tables.install()  # every table of the project renders its cells faster

        from partners import models

        for model in (
            models.Consortium,
            models.Convention,
            models.Amendment,
            models.Organisation,
            models.Partner,
            models.Tenant,
            models.Holding,
            models.Person,
            models.ContactChange,
        ):
            auditlog.register(model)
