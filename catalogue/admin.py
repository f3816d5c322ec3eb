"""Read-only admin: every write goes through the catalogue's services."""

from django.contrib import admin

from catalogue import models
from ligeris.lib.admin import ReadOnlyAuditedAdmin, ReadOnlyInline


class PriceInline(ReadOnlyInline):
    model = models.ServicePrice


@admin.register(models.Catalogue)
class CatalogueAdmin(ReadOnlyAuditedAdmin):
    list_display = ["year", "consortium", "voted_on", "decision"]
    inlines = [PriceInline]


@admin.register(models.Service)
class ServiceAdmin(ReadOnlyAuditedAdmin):
    list_display = ["code", "label", "kind", "consortium", "withdrawn_on"]


@admin.register(models.CommissioningReport)
class CommissioningReportAdmin(ReadOnlyAuditedAdmin):
    list_display = ["partner", "signed_on", "consortium"]
    list_select_related = ["partner", "consortium"]


@admin.register(models.Subscription)
class SubscriptionAdmin(ReadOnlyAuditedAdmin):
    list_display = ["partner", "service", "quantity", "starts_on", "ends_on"]
    list_select_related = ["partner", "service"]
