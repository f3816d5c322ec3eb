from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TitresConfig(AppConfig):
    """What is owed and paid: titres, their numbering, issue, corrections, payments, refunds,
    documents and PES export, whichever way their amounts were computed."""

    name = "titres"
    verbose_name = _("Titres de recette")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from titres import models

        for model in (
            models.FiscalYear,
            models.TitreSettings,
            models.TitreBatch,
            models.Payment,
            models.PesExport,
            models.PaymentReversal,
            models.Refund,
            models.Carryover,
        ):
            auditlog.register(model)
        # A titre's audit entries show its draft life and its issue; the PDF bytes stay out.
        auditlog.register(models.RevenueTitle, exclude_fields=["snapshot"])
        auditlog.register(models.TitreDocument, exclude_fields=["pdf"])
