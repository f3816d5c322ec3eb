"""Read-only admin: every write goes through the commitments' services."""

from django.contrib import admin

from commitments import models
from ligeris.lib.admin import ReadOnlyAuditedAdmin


@admin.register(models.Commitment)
class CommitmentAdmin(ReadOnlyAuditedAdmin):
    list_display = ["kind", "service", "delay", "unit", "consortium"]


@admin.register(models.Referent)
class ReferentAdmin(ReadOnlyAuditedAdmin):
    list_display = ["partner", "name", "email"]
    list_select_related = ["partner"]


@admin.register(models.ServiceRequest)
class ServiceRequestAdmin(ReadOnlyAuditedAdmin):
    list_display = ["partner", "subject", "received_at", "due_at", "answered_at"]
    list_select_related = ["partner"]
