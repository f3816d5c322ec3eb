from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin

from governance import models


class AuditedAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    show_auditlog_history_link = True


class SeatInline(admin.TabularInline):
    model = models.Seat
    extra = 0
    autocomplete_fields = ["person", "partner"]


@admin.register(models.Body)
class BodyAdmin(AuditedAdmin):
    list_display = ["name", "kind", "minimum_meetings", "max_proxies", "quorum", "majority_base"]
    list_filter = ["kind"]
    inlines = [SeatInline]


class ItemInline(admin.StackedInline):
    model = models.AgendaItem
    extra = 0


@admin.register(models.Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["body", "starts_at", "place", "convened_at", "minutes_closed_at"]
    list_filter = ["body"]
    date_hierarchy = "starts_at"
    inlines = [ItemInline]


@admin.register(models.Decision)
class DecisionAdmin(AuditedAdmin):
    list_display = ["item", "kind", "result", "votes_for", "votes_against", "abstentions"]
    list_filter = ["kind", "result"]


@admin.register(models.Action)
class ActionAdmin(AuditedAdmin):
    list_display = ["title", "owner", "due_on", "status"]
    list_filter = ["status"]


admin.site.register(models.ClosedYear)
