"""Thin views: each declares who may use it, reads through selectors and writes through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView, View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, SIGNED_IN, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin, TableExportMixin
from partners import selectors, services
from partners.consortia import request_consortium, request_consortium_or_404
from partners.filters import PartnerFilter, TenantFilter
from partners.forms import (
    AmendmentForm,
    ConventionForm,
    HoldingForm,
    PartnerForm,
    PersonForm,
    TenantCreateForm,
    TenantForm,
)
from partners.models import Amendment, Convention, Holding, Partner, Person
from partners.tables import PartnerTable, TenantTable


class HomeView(RoleRequiredMixin, TemplateView):
    allowed_roles = SIGNED_IN
    template_name = "partners/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["consortium"] = request_consortium(self.request)
        context["is_staff_role"] = role_of(user) in STAFF
        if context["is_staff_role"]:
            # Two numbers, counted in SQL (not 2,000 partners and 3,000 tenants loaded).
            context["partner_count"] = selectors.partners_visible_to(
                user, request_consortium(self.request)
            ).count()
            context["tenant_count"] = selectors.tenants_visible_to(
                user, request_consortium(self.request)
            ).count()
            context["term_alert"] = selectors.term_alert(
                context["consortium"], timezone.localdate()
            )
        else:
            context["partners"] = selectors.partners_with_counts(
                user, request_consortium(self.request)
            )
            context["tenants"] = selectors.tenants_visible_to(
                user, request_consortium(self.request)
            )
        return context


class ConsortiumView(RoleRequiredMixin, TemplateView):
    allowed_roles = SIGNED_IN
    template_name = "partners/consortium.html"

    def get_context_data(self, **kwargs):
        consortium = request_consortium_or_404(self.request)
        context = super().get_context_data(**kwargs)
        context["consortium"] = consortium
        context["conventions"] = consortium.conventions.prefetch_related("amendments__partner")
        context["can_manage"] = role_of(self.request.user) in MANAGERS
        return context


class _ConventionFormView(RoleRequiredMixin, ServiceFormMixin):
    allowed_roles = MANAGERS
    form_class = ConventionForm
    template_name = "partners/form.html"
    success_message = _("La convention a été enregistrée.")

    def get_success_url(self):
        return reverse("partners:consortium")


class ConventionCreateView(_ConventionFormView, CreateView):
    extra_context = {"title": _("Nouvelle convention")}

    def perform(self, form):
        convention = Convention(consortium=request_consortium_or_404(self.request))
        return services.convention_save(convention=convention, **form.cleaned_data)


class ConventionUpdateView(_ConventionFormView, UpdateView):
    model = Convention
    extra_context = {"title": _("Modifier la convention")}

    def get_queryset(self):
        return Convention.objects.filter(consortium=request_consortium(self.request))

    def perform(self, form):
        return services.convention_save(convention=self.get_object(), **form.cleaned_data)


class AmendmentCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = AmendmentForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Nouvel avenant")}
    success_message = _("L'avenant a été enregistré.")

    @cached_property
    def convention(self):
        conventions = Convention.objects.filter(consortium=request_consortium(self.request))
        return get_object_or_404(conventions, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.convention.consortium}

    def perform(self, form):
        amendment = Amendment(convention=self.convention)
        return services.amendment_save(amendment=amendment, **form.cleaned_data)

    def get_success_url(self):
        return reverse("partners:consortium")


class PartnerListView(RoleRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    allowed_roles = SIGNED_IN
    table_class = PartnerTable
    filterset_class = PartnerFilter
    template_name = "partners/partner_list.html"
    table_pagination = {"per_page": 25}  # by the table only: paginate_by counted twice
    export_name = "partenaires"

    def get_queryset(self):
        return selectors.partners_with_counts(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_manage": role_of(self.request.user) in MANAGERS,
        }


class PartnerDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        return selectors.partners_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        partner = self.object
        return {
            **super().get_context_data(**kwargs),
            "holdings": selectors.holdings_of_partner(partner),
            "people": selectors.people_of_partner(partner),
            "history": selectors.history_of_partner(partner)[:50],
            "can_manage": role_of(self.request.user) in MANAGERS,
        }


class _PartnerFormView(RoleRequiredMixin, ServiceFormMixin):
    allowed_roles = MANAGERS
    form_class = PartnerForm
    template_name = "partners/form.html"
    success_message = _("Le partenaire a été enregistré.")

    def get_success_url(self):
        return self.object.get_absolute_url()


class PartnerCreateView(_PartnerFormView, CreateView):
    extra_context = {"title": _("Nouveau partenaire")}

    def perform(self, form):
        partner = Partner(consortium=request_consortium_or_404(self.request))
        return services.partner_save(partner=partner, **form.cleaned_data)


class PartnerUpdateView(_PartnerFormView, UpdateView):
    model = Partner
    extra_context = {"title": _("Modifier le partenaire")}

    def get_queryset(self):
        return selectors.partners_visible_to(self.request.user, request_consortium(self.request))

    def perform(self, form):
        return services.partner_save(partner=self.get_object(), **form.cleaned_data)


class PersonCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = PersonForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Nouvel interlocuteur")}
    success_message = _("L'interlocuteur a été enregistré.")

    @cached_property
    def partner(self):
        return get_object_or_404(
            selectors.partners_visible_to(self.request.user, request_consortium(self.request)),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        self.partner  # noqa: B018 -- another consortium's partner: 404 before the form
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        return services.person_save(person=Person(partner=self.partner), **form.cleaned_data)

    def get_success_url(self):
        return self.partner.get_absolute_url()


class TenantListView(RoleRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    allowed_roles = SIGNED_IN
    table_class = TenantTable
    filterset_class = TenantFilter
    template_name = "partners/tenant_list.html"
    table_pagination = {"per_page": 25}  # by the table only: paginate_by counted twice
    export_name = "tenants"

    def get_queryset(self):
        return selectors.tenants_visible_to(self.request.user, request_consortium(self.request))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        return {
            **kwargs,
            "partners": selectors.partners_visible_to(
                self.request.user, request_consortium(self.request)
            ),
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "can_manage": role_of(self.request.user) in MANAGERS,
        }


class TenantDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "partners/tenant_detail.html"
    context_object_name = "tenant"

    def get_queryset(self):
        return selectors.tenants_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        tenant = self.object
        user = self.request.user
        visible = set(
            selectors.partners_visible_to(user, request_consortium(self.request)).values_list(
                "pk", flat=True
            )
        )
        return {
            **super().get_context_data(**kwargs),
            "holdings": tenant.holdings.all(),
            "visible_partner_ids": visible,
            "history": selectors.history_of_tenant(tenant)[:50],
            "can_manage": role_of(user) in MANAGERS,
        }


class TenantCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = TenantCreateForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Nouveau tenant")}
    success_message = _("Le tenant a été créé avec son payeur.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": request_consortium_or_404(self.request)}

    def perform(self, form):
        data = form.cleaned_data
        return services.tenant_create(
            consortium=request_consortium_or_404(self.request),
            code=data["code"],
            name=data["name"],
            opened_on=data["opened_on"],
            deployed_on=data["deployed_on"],
            payer=data["payer"],
            co_holders=list(data["co_holders"]),
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class TenantUpdateView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = TenantForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Modifier le tenant")}
    success_message = _("Le tenant a été enregistré.")

    def get_queryset(self):
        return selectors.tenants_visible_to(self.request.user, request_consortium(self.request))

    def perform(self, form):
        return services.tenant_save(tenant=self.get_object(), **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class HoldingCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = HoldingForm
    template_name = "partners/form.html"
    success_message = _("Le détenteur a été ajouté.")

    @cached_property
    def tenant(self):
        return get_object_or_404(
            selectors.tenants_visible_to(self.request.user, request_consortium(self.request)),
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "tenant": self.tenant}

    def get_context_data(self, **kwargs):
        title = _("Ajouter un détenteur au tenant %(code)s") % {"code": self.tenant.code}
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.holding_add(tenant=self.tenant, **form.cleaned_data)

    def get_success_url(self):
        return self.tenant.get_absolute_url()


class HoldingActionView(RoleRequiredMixin, View):
    """POST-only actions on a holding: make it the payer, or remove it."""

    allowed_roles = MANAGERS
    http_method_names = ["post"]
    action = ""

    def post(self, request, pk):
        holdings = Holding.objects.filter(tenant__consortium=request_consortium(request))
        holding = get_object_or_404(holdings.select_related("tenant", "partner"), pk=pk)
        try:
            if self.action == "make_payer":
                services.holding_make_payer(holding=holding)
                messages.success(
                    request,
                    _("%(partner)s est désormais le payeur.") % {"partner": holding.partner},
                )
            else:
                services.holding_remove(holding=holding)
                messages.success(request, _("Le détenteur a été retiré."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return HttpResponseRedirect(holding.tenant.get_absolute_url())
