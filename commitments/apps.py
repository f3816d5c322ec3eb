from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    """Service commitments (seed 002, article 4): each service's commitments, the member's named
    referent, requests recorded with their times, the monthly report of commitments met."""

    name = "commitments"
    verbose_name = _("Engagements de service")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from commitments import models

        for model in (models.Commitment, models.Referent, models.ServiceRequest):
            auditlog.register(model)
