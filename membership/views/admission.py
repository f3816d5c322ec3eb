"""Candidacy files: staff read them (STAFF), managers write them (MANAGERS).

Partner users have no access (403 by role): a candidacy is the COPIL's working file, and the
simulation shows every partner's share.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, FormView, TemplateView, UpdateView, View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin
from membership import admission_documents
from membership.forms.admission import (
    CandidacyCreateForm,
    CandidacyForm,
    PutToCopilForm,
    RequestedTenantForm,
)
from membership.models import CandidacyState, RequestedTenant
from membership.selectors.admission import candidacies, candidacy_amendment, candidacy_get
from membership.services import admission
from membership.simulation import impact_or_error, simulation_year
from partners.consortia import request_consortium, request_consortium_or_404
from titres.models import FiscalYear

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _CandidacyMixin:
    @cached_property
    def candidacy(self):
        return candidacy_get(request_consortium(self.request), self.kwargs["pk"])


class CandidacyListView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "membership/admission_list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "candidacies": candidacies(request_consortium(self.request)),
            "can_manage": role_of(self.request.user) in MANAGERS,
        }


class CandidacyCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = CandidacyCreateForm
    template_name = "membership/admission_form.html"
    success_message = _("Le dossier de candidature a été créé.")
    extra_context = {"title": _("Nouvelle candidature")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": request_consortium_or_404(self.request)}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return admission.candidacy_create(partner=data.pop("partner"), **data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class CandidacyUpdateView(RoleRequiredMixin, _CandidacyMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = CandidacyForm
    template_name = "membership/admission_form.html"
    success_message = _("Le dossier de candidature a été enregistré.")

    def get_object(self, queryset=None):
        return self.candidacy

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Modifier le dossier de %(partner)s") % {"partner": self.candidacy.partner},
            "cancel_url": self.candidacy.get_absolute_url(),
        }

    def perform(self, form):
        candidacy = candidacy_get(
            request_consortium(self.request), self.kwargs["pk"]
        )  # the stored row
        return admission.candidacy_update(candidacy=candidacy, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class CandidacyDetailView(RoleRequiredMixin, _CandidacyMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "membership/admission_detail.html"

    def get_context_data(self, **kwargs):
        candidacy = self.candidacy
        return {
            **super().get_context_data(**kwargs),
            "candidacy": candidacy,
            "requested": candidacy.requested_tenants.select_related("payer"),
            "refusals": admission.put_to_copil_refusals(candidacy),
            "amendment_file": candidacy_amendment(candidacy),
            "can_manage": role_of(self.request.user) in MANAGERS,
            "can_edit": role_of(self.request.user) in MANAGERS
            and candidacy.state in (CandidacyState.DRAFT, CandidacyState.AT_COPIL),
            "is_draft": candidacy.state == CandidacyState.DRAFT,
        }


class RequestedTenantCreateView(RoleRequiredMixin, _CandidacyMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    form_class = RequestedTenantForm
    template_name = "membership/admission_form.html"
    success_message = _("Le tenant demandé a été ajouté au dossier.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidacy": self.candidacy}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Tenant demandé par %(partner)s") % {"partner": self.candidacy.partner},
            "cancel_url": self.candidacy.get_absolute_url(),
        }

    def perform(self, form):
        return admission.requested_tenant_add(candidacy=self.candidacy, **form.cleaned_data)

    def get_success_url(self):
        return self.candidacy.get_absolute_url()


class RequestedTenantRemoveView(RoleRequiredMixin, View):
    allowed_roles = MANAGERS

    def post(self, request, pk):
        row = get_object_or_404(
            RequestedTenant.objects.select_related("candidacy"),
            pk=pk,
            candidacy__partner__consortium=request_consortium(self.request),
        )
        try:
            admission.requested_tenant_remove(requested_tenant=row)
            messages.success(request, _("Le tenant demandé a été retiré du dossier."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return HttpResponseRedirect(row.candidacy.get_absolute_url())


class CandidacyPutToCopilView(RoleRequiredMixin, _CandidacyMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    form_class = PutToCopilForm
    template_name = "membership/admission_form.html"
    success_message = _("L'admission est inscrite à l'ordre du jour du COPIL.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": request_consortium_or_404(self.request)}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Inscrire la candidature de %(partner)s au COPIL")
            % {"partner": self.candidacy.partner},
            "cancel_url": self.candidacy.get_absolute_url(),
            "refusals": admission.put_to_copil_refusals(self.candidacy),
        }

    def perform(self, form):
        return admission.candidacy_put_to_copil(
            candidacy=self.candidacy,
            meeting=form.cleaned_data["meeting"],
            number=form.cleaned_data["number"],
        )

    def get_success_url(self):
        return self.candidacy.get_absolute_url()


class _ImpactMixin(_CandidacyMixin):
    def fiscal_year(self):
        consortium = request_consortium(self.request)
        year = self.request.GET.get("annee")
        if year:
            if not (year.isascii() and year.isdigit()):
                raise Http404
            return get_object_or_404(
                FiscalYear.objects.select_related("grid", "consortium"),
                consortium=consortium,
                year=int(year),
            )
        return simulation_year(consortium)

    def impact(self):
        return impact_or_error(candidacy=self.candidacy, fiscal_year=self.fiscal_year())


class CandidacySimulationView(RoleRequiredMixin, _ImpactMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "membership/admission_simulation.html"

    def get_context_data(self, **kwargs):
        impact, errors = self.impact()
        years = FiscalYear.objects.filter(consortium=request_consortium(self.request)).order_by(
            "-year"
        )
        return {
            **super().get_context_data(**kwargs),
            "candidacy": self.candidacy,
            "impact": impact,
            "errors": errors,
            "years": years.values_list("year", flat=True),
        }


class _ImpactDownload(RoleRequiredMixin, _ImpactMixin, View):
    allowed_roles = STAFF
    content_type = ""
    extension = ""

    def render(self, impact) -> bytes:
        raise NotImplementedError

    def get(self, request, pk):
        impact, errors = self.impact()
        if impact is None:
            for message in errors:
                messages.error(request, message)
            return HttpResponseRedirect(
                reverse("membership:candidacy_simulation", args=[self.candidacy.pk])
            )
        response = HttpResponse(self.render(impact), content_type=self.content_type)
        name = admission_documents.impact_filename(impact, self.extension)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class CandidacySimulationXlsxView(_ImpactDownload):
    content_type = XLSX
    extension = "xlsx"

    def render(self, impact) -> bytes:
        return admission_documents.impact_xlsx(impact)


class CandidacySimulationPdfView(_ImpactDownload):
    content_type = "application/pdf"
    extension = "pdf"

    def render(self, impact) -> bytes:
        return admission_documents.impact_pdf(impact)
