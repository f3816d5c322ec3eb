"""The Django admin of the domain apps only shows: their writes go through the services."""

from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin


class ReadOnlyMixin:
    """No add, change or delete: a POST to those pages answers 403 and changes nothing."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAuditedAdmin(ReadOnlyMixin, AuditlogHistoryAdminMixin, admin.ModelAdmin):
    show_auditlog_history_link = True
    show_full_result_count = False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = True
