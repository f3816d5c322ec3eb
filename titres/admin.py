"""The titres tables in the Django admin: to look, search and read the audit history.

As for billing, every write goes through the services (`/finances/` pages): no add, change or
delete here; an issued titre, its PDF and its payments are final in any case.
"""

from django.contrib import admin

from ligeris.lib.admin import ReadOnlyAuditedAdmin, ReadOnlyInline
from titres import models


class TitreLineInline(ReadOnlyInline):
    model = models.TitreLine
    fields = ["position", "label", "base", "amount"]


class PaymentInline(ReadOnlyInline):
    model = models.Payment
    fields = ["paid_on", "amount", "reference", "recorded_by"]


class RefundInline(ReadOnlyInline):
    model = models.Refund
    fields = ["paid_on", "mandate_number", "amount", "recorded_by"]


@admin.register(models.FiscalYear)
class FiscalYearAdmin(ReadOnlyAuditedAdmin):
    list_display = ["year", "consortium"]
    list_filter = ["consortium"]


@admin.register(models.RevenueTitle)
class RevenueTitleAdmin(ReadOnlyAuditedAdmin):
    list_display = ["__str__", "kind", "state", "debtor", "tenant", "total", "issued_on", "due_on"]
    list_filter = ["exercise", "kind", "state"]
    list_select_related = ["debtor", "tenant"]
    search_fields = ["debtor__name", "debtor__short_name", "tenant__code", "object"]
    inlines = [TitreLineInline, PaymentInline, RefundInline]


@admin.register(models.TitreBatch)
class TitreBatchAdmin(ReadOnlyAuditedAdmin):
    list_display = ["__str__", "fiscal_year", "state", "issued_at", "issued_by"]
    list_filter = ["state", "fiscal_year__year"]
    list_select_related = ["fiscal_year", "issued_by"]


@admin.register(models.TitreSettings)
class TitreSettingsAdmin(ReadOnlyAuditedAdmin):
    list_display = ["consortium", "signatory_last_name", "accountant_name"]


@admin.register(models.TitreDocument)
class TitreDocumentAdmin(ReadOnlyAuditedAdmin):
    list_display = ["titre", "sha256", "size", "created_at"]
    list_select_related = ["titre"]
    exclude = ["pdf"]


@admin.register(models.PesExport)
class PesExportAdmin(ReadOnlyAuditedAdmin):
    list_display = ["file_name", "batch", "sha256", "size", "created_at", "created_by"]
    list_select_related = ["batch", "created_by"]
    search_fields = ["file_name", "sha256"]


@admin.register(models.PaymentReversal)
class PaymentReversalAdmin(ReadOnlyAuditedAdmin):
    list_display = ["payment", "reversed_on", "reason", "recorded_by"]
    list_select_related = ["payment__titre", "recorded_by"]


@admin.register(models.Refund)
class RefundAdmin(ReadOnlyAuditedAdmin):
    list_display = ["titre", "mandate_number", "paid_on", "amount", "recorded_by"]
    list_select_related = ["titre", "recorded_by"]


@admin.register(models.Carryover)
class CarryoverAdmin(ReadOnlyAuditedAdmin):
    list_display = ["debtor", "tenant", "label", "amount", "batch", "created_at"]
    list_select_related = ["debtor", "tenant", "batch"]
