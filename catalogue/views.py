"""The catalogue's pages: finance staff keep the catalogue, the commissioning reports and
subscriptions, and run the annual billing; partner users see their own subscriptions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView

from catalogue import conf, selectors
from catalogue.forms import (
    BillingForm,
    CatalogueForm,
    CopyForm,
    PriceForm,
    ReportForm,
    ServiceForm,
    SubscriptionForm,
    VoteForm,
    WithdrawForm,
)
from catalogue.services import catalogue as services
from catalogue.services import subscriptions as subscription_services
from catalogue.services.billing import catalogue_billing
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, PARTNERS, SIGNED_IN, role_of
from ligeris.lib.views import ServiceFormMixin, add_service_errors
from partners.consortia import RequestConsortiumMixin
from partners.selectors import current_convention

FORM = "partners/form.html"
INDEX = reverse_lazy("catalogue:index")


class _FormView(RoleRequiredMixin, RequestConsortiumMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    template_name = FORM
    success_url = INDEX

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": self.get_success_url()}


class IndexView(RoleRequiredMixin, RequestConsortiumMixin, TemplateView):
    allowed_roles = MANAGERS
    template_name = "catalogue/index.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "catalogues": selectors.catalogues_of(self.consortium),
            "services": selectors.services_of(self.consortium),
            "window": conf.window_text(conf.issue_window()),
            "convention": current_convention(self.consortium),
        }


class ServiceCreateView(_FormView):
    form_class = ServiceForm
    extra_context = {"title": _("Nouveau service du catalogue")}
    success_message = _("Le service a été ajouté au catalogue.")

    def perform(self, form):
        return services.service_create(consortium=self.consortium, **form.cleaned_data)


class CatalogueCreateView(_FormView):
    form_class = CatalogueForm
    extra_context = {"title": _("Nouveau catalogue annuel")}
    success_message = _("Le catalogue a été créé.")

    def perform(self, form):
        return services.catalogue_create(consortium=self.consortium, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url() if getattr(self, "object", None) else INDEX


class _CatalogueMixin(RequestConsortiumMixin):
    @cached_property
    def catalogue(self):
        return get_object_or_404(selectors.catalogues_of(self.consortium), pk=self.kwargs["pk"])

    def get_success_url(self):
        return self.catalogue.get_absolute_url()


class CatalogueDetailView(RoleRequiredMixin, _CatalogueMixin, TemplateView):
    allowed_roles = MANAGERS
    template_name = "catalogue/catalogue_detail.html"

    def get_context_data(self, **kwargs):
        catalogue = self.catalogue
        return {
            **super().get_context_data(**kwargs),
            "catalogue": catalogue,
            "prices": selectors.catalogue_prices(catalogue),
            "mid_year": services.voted_mid_year(catalogue),
        }


class PriceSetView(_CatalogueMixin, _FormView):
    form_class = PriceForm
    extra_context = {"title": _("Prix d'un service")}
    success_message = _("Le prix a été enregistré.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def perform(self, form):
        return services.price_set(catalogue=self.catalogue, **form.cleaned_data)


class VoteView(_CatalogueMixin, _FormView):
    form_class = VoteForm
    extra_context = {"title": _("Vote du catalogue")}
    success_message = _("Le vote du catalogue est enregistré : ses prix sont figés.")

    def perform(self, form):
        return services.catalogue_vote(catalogue=self.catalogue, **form.cleaned_data)


class CopyView(_CatalogueMixin, _FormView):
    form_class = CopyForm
    success_message = _("Le catalogue de l'année suivante est créé, à voter.")

    def get_context_data(self, **kwargs):
        # The title reads the catalogue: another consortium's is a 404 on the form's page too.
        title = _("Reprendre le catalogue %(year)s l'année suivante") % {
            "year": self.catalogue.year
        }
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.catalogue_copy(catalogue=self.catalogue, rate=form.cleaned_data["rate"])

    def get_success_url(self):
        return self.object.get_absolute_url() if getattr(self, "object", None) else INDEX


class WithdrawView(_FormView):
    form_class = WithdrawForm
    success_message = _("Le service est retiré ; les membres abonnés sont avertis.")

    @cached_property
    def service(self):
        return get_object_or_404(selectors.services_of(self.consortium), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        # The title reads the service: another consortium's is a 404 on the form's page too.
        title = _("Retirer le service « %(service)s » pour raison de sécurité") % {
            "service": self.service
        }
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.service_withdraw(
            service=self.service,
            withdrawn_on=form.cleaned_data["withdrawn_on"],
            reason=form.cleaned_data["withdrawal_reason"],
        )


class ReportCreateView(_FormView):
    form_class = ReportForm
    extra_context = {"title": _("Procès-verbal de mise en service")}
    success_message = _("Le procès-verbal est enregistré.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def perform(self, form):
        return subscription_services.report_record(consortium=self.consortium, **form.cleaned_data)

    def get_success_url(self):
        if getattr(self, "object", None):
            return reverse("catalogue:report_detail", args=[self.object.pk])
        return reverse("catalogue:subscription_list")


class ReportDetailView(RoleRequiredMixin, RequestConsortiumMixin, DetailView):
    """Staff, and the partner's own users (another partner's report answers 404)."""

    allowed_roles = SIGNED_IN
    template_name = "catalogue/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return selectors.reports_visible_to(self.consortium, self.request.user)

    def get_context_data(self, **kwargs):
        rows = self.object.subscriptions.select_related("service").order_by("service__code")
        can_subscribe = role_of(self.request.user) in MANAGERS
        return {
            **super().get_context_data(**kwargs),
            "subscriptions": rows,
            "can_subscribe": can_subscribe,
        }


class SubscriptionCreateView(_FormView):
    form_class = SubscriptionForm
    extra_context = {"title": _("Abonnement à un service")}
    success_message = _("L'abonnement est enregistré.")

    @cached_property
    def report(self):
        reports = selectors.reports_visible_to(self.consortium, self.request.user)
        return get_object_or_404(reports, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def perform(self, form):
        return subscription_services.subscription_create(report=self.report, **form.cleaned_data)

    def get_success_url(self):
        return reverse("catalogue:report_detail", args=[self.report.pk])


class SubscriptionListView(RoleRequiredMixin, RequestConsortiumMixin, TemplateView):
    allowed_roles = MANAGERS
    template_name = "catalogue/subscription_list.html"

    def get_context_data(self, **kwargs):
        rows = selectors.subscriptions_of(self.consortium)
        return {**super().get_context_data(**kwargs), "subscriptions": rows}


class MySubscriptionsView(RoleRequiredMixin, RequestConsortiumMixin, TemplateView):
    allowed_roles = PARTNERS
    template_name = "catalogue/subscription_list.html"

    def get_context_data(self, **kwargs):
        rows = selectors.subscriptions_of(self.consortium, self.request.user)
        return {**super().get_context_data(**kwargs), "subscriptions": rows, "mine": True}


class BillingView(_FormView):
    """The annual titres on the catalogue, drafted into the batch of the chosen date."""

    form_class = BillingForm
    extra_context = {"title": _("Établir les titres annuels du catalogue")}

    def form_valid(self, form):
        try:
            batch, notes = catalogue_billing(
                consortium=self.consortium,
                issue_date=form.cleaned_data["issue_date"],
                user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        for note in notes:
            messages.success(self.request, note)
        return HttpResponseRedirect(reverse("billing:batch_detail", args=[batch.pk]))
