"""The billing tables in the Django admin: to look, search and read the audit history.

Every write of money goes through `billing.services` (a frozen grid, the fiscal year of an
invoice, the key of a staff-time pool, one reading per tenant and date…), which the admin's
forms would bypass. So the admin only shows: no add, change or delete here, the finance pages
(`/finances/`) do the writing. Runs, their shares and inputs, and volume imports are immutable
snapshots in any case.
"""

from django.contrib import admin
from django.urls import reverse

from billing import models
from ligeris.lib.admin import ReadOnlyAuditedAdmin, ReadOnlyInline


class TariffLineInline(ReadOnlyInline):
    model = models.TariffLine
    fields = ["code", "label", "kind", "amount", "unit"]


class ExpenseInline(ReadOnlyInline):
    model = models.Expense
    fields = ["invoice_date", "vendor", "contract_lot", "reference", "amount"]


class StaffTimeInline(ReadOnlyInline):
    model = models.StaffTime
    fields = ["period_end", "days", "description"]


@admin.register(models.TariffGrid)
class TariffGridAdmin(ReadOnlyAuditedAdmin):
    list_display = ["fiscal_year", "effective_on", "frozen_at", "copied_from", "indexation_rate"]
    list_filter = ["fiscal_year__year"]
    list_select_related = ["fiscal_year", "copied_from__fiscal_year"]
    inlines = [TariffLineInline]


@admin.register(models.TariffLine)
class TariffLineAdmin(ReadOnlyAuditedAdmin):
    list_display = ["code", "label", "kind", "amount", "unit", "grid"]
    list_filter = ["kind", "grid__fiscal_year__year"]
    list_select_related = ["grid__fiscal_year"]
    search_fields = ["code", "label"]


@admin.register(models.CostPool)
class CostPoolAdmin(ReadOnlyAuditedAdmin):
    list_display = ["code", "label", "fiscal_year", "category", "key", "budget_amount", "spread_on"]
    list_filter = ["fiscal_year__year", "category", "key", "spread_on"]
    list_select_related = ["fiscal_year"]
    search_fields = ["code", "label"]
    inlines = [ExpenseInline, StaffTimeInline]

    def view_on_site(self, obj) -> str:
        return reverse("billing:pool_detail", args=[obj.pk])


@admin.register(models.Expense)
class ExpenseAdmin(ReadOnlyAuditedAdmin):
    list_display = ["invoice_date", "vendor", "contract_lot", "reference", "amount", "pool"]
    list_filter = ["pool__fiscal_year__year", "pool__category"]
    list_select_related = ["pool"]
    search_fields = ["vendor", "reference", "contract_lot", "pool__code", "pool__label"]
    date_hierarchy = "invoice_date"

    def view_on_site(self, obj) -> str:
        return reverse("billing:pool_detail", args=[obj.pool_id])


@admin.register(models.StaffTime)
class StaffTimeAdmin(ReadOnlyAuditedAdmin):
    list_display = ["period_end", "days", "pool", "description"]
    list_filter = ["pool__fiscal_year__year"]
    list_select_related = ["pool"]

    def view_on_site(self, obj) -> str:
        return reverse("billing:pool_detail", args=[obj.pool_id])


@admin.register(models.StorageVolume)
class StorageVolumeAdmin(ReadOnlyAuditedAdmin):
    list_display = ["tenant", "measured_on", "gigabytes", "source"]
    list_filter = ["measured_on"]
    list_select_related = ["tenant", "source"]
    search_fields = ["tenant__code", "tenant__name"]
    date_hierarchy = "measured_on"


@admin.register(models.VolumeImport)
class VolumeImportAdmin(ReadOnlyAuditedAdmin):
    list_display = ["file_name", "uploaded_at", "uploaded_by", "applied_at", "consortium"]
    list_filter = ["applied_at"]
    list_select_related = ["uploaded_by", "consortium"]
    search_fields = ["file_name", "sha256"]
    exclude = ["rows"]  # up to 20,000 rows: read them through the volumes they gave


@admin.register(models.AllocationRun)
class AllocationRunAdmin(ReadOnlyAuditedAdmin):
    list_display = ["__str__", "fiscal_year", "kind", "version", "total", "created_at", "locked_at"]
    list_filter = ["fiscal_year__year", "kind"]
    list_select_related = ["fiscal_year", "created_by"]


@admin.register(models.Share)
class ShareAdmin(ReadOnlyAuditedAdmin):
    list_display = [
        "run",
        "pool_code",
        "tenant",
        "partner",
        "base",
        "amount",
        "borne_by_coordinator",
    ]
    list_filter = ["run__fiscal_year__year", "run__kind", "key", "borne_by_coordinator"]
    list_select_related = ["run__fiscal_year", "tenant", "partner"]
    search_fields = ["pool_code", "pool_label", "tenant__code", "partner__short_name"]
    list_per_page = 100
