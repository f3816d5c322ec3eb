from auditlog.mixins import AuditlogHistoryAdminMixin
from django.contrib import admin

from partners import models


class AuditedAdmin(AuditlogHistoryAdminMixin, admin.ModelAdmin):
    show_auditlog_history_link = True


class HoldingInline(admin.TabularInline):
    model = models.Holding
    extra = 0
    autocomplete_fields = ["partner"]


class PersonInline(admin.TabularInline):
    model = models.Person
    extra = 0


class AmendmentInline(admin.TabularInline):
    model = models.Amendment
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(models.Consortium)
class ConsortiumAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "coordinator"]
    autocomplete_fields = ["coordinator"]


@admin.register(models.Convention)
class ConventionAdmin(AuditedAdmin):
    list_display = ["title", "consortium", "signed_on", "starts_on", "ends_on", "notice_months"]
    inlines = [AmendmentInline]


@admin.register(models.Amendment)
class AmendmentAdmin(AuditedAdmin):
    list_display = ["__str__", "convention", "kind", "partner", "signed_on", "effective_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["partner"]


@admin.register(models.Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "siret", "postal_code", "city"]
    search_fields = ["name", "siret", "city"]


@admin.register(models.Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "status", "siret", "city"]
    list_filter = ["kind", "status", "in_2019_partnership"]
    search_fields = ["name", "short_name", "organisation__siret", "organisation__city"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    # The status and its dates follow the membership events (admission, withdrawal, exclusion):
    # they change through membership's services only, never by hand.
    readonly_fields = ["status", "member_since", "member_until"]
    inlines = [HoldingInline, PersonInline]


@admin.register(models.Tenant)
class TenantAdmin(AuditedAdmin):
    list_display = ["code", "name", "opened_on", "deployed_on", "closed_on"]
    search_fields = ["code", "name"]
    inlines = [HoldingInline]


@admin.register(models.Holding)
class HoldingAdmin(AuditedAdmin):
    list_display = ["tenant", "partner", "is_payer", "since"]
    list_filter = ["is_payer"]
    autocomplete_fields = ["partner", "tenant"]


@admin.register(models.Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["last_name", "first_name", "partner", "role", "email", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["last_name", "first_name", "email", "partner__name"]
