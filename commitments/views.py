"""Service commitments' pages: staff keep the commitments, referents and requests; partner
users see their own requests and monthly report (another member's request answers 404)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, TemplateView

from commitments import selectors
from commitments.forms import (
    CommitmentForm,
    MonthForm,
    ReferentForm,
    RequestForm,
    RequestUpdateForm,
)
from commitments.services import requests as services
from ligeris.lib.exports import csv_bytes, xlsx_bytes
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, SIGNED_IN, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import RequestConsortiumMixin

FORM = "partners/form.html"


class _FormView(RoleRequiredMixin, RequestConsortiumMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    template_name = FORM
    success_url = reverse_lazy("commitments:index")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cancel_url": self.get_success_url()}


class IndexView(RoleRequiredMixin, RequestConsortiumMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "commitments/index.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "commitments": selectors.commitments_of(self.consortium),
            "referents": selectors.referents_of(self.consortium),
            "can_edit": role_of(self.request.user) in MANAGERS,
        }


class CommitmentCreateView(_FormView):
    form_class = CommitmentForm
    extra_context = {"title": gettext_lazy("Engagement de service")}
    success_message = gettext_lazy("L'engagement est enregistré.")

    def perform(self, form):
        return services.commitment_save(consortium=self.consortium, **form.cleaned_data)


class ReferentSetView(_FormView):
    form_class = ReferentForm
    extra_context = {"title": gettext_lazy("Référent d'un membre")}
    success_message = gettext_lazy("Le référent est enregistré.")

    def perform(self, form):
        return services.referent_save(**form.cleaned_data)


class RequestListView(RoleRequiredMixin, RequestConsortiumMixin, ListView):
    allowed_roles = SIGNED_IN
    template_name = "commitments/request_list.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        return selectors.requests_visible_to(self.consortium, self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        for row in context["requests"]:
            row.status = selectors.request_status(row, now)
        return {**context, "can_edit": role_of(self.request.user) in MANAGERS}


class RequestCreateView(_FormView):
    form_class = RequestForm
    extra_context = {"title": gettext_lazy("Demande d'un membre")}
    success_message = gettext_lazy("La demande est enregistrée.")

    def perform(self, form):
        return services.request_record(
            consortium=self.consortium, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        if getattr(self, "object", None):
            return self.object.get_absolute_url()
        return reverse("commitments:request_list")


class RequestDetailView(RoleRequiredMixin, RequestConsortiumMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "commitments/request_detail.html"
    context_object_name = "service_request"

    def get_queryset(self):
        return selectors.requests_visible_to(self.consortium, self.request.user)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "status": selectors.request_status(self.object),
            "can_edit": role_of(self.request.user) in MANAGERS,
        }


class RequestUpdateView(_FormView):
    form_class = RequestUpdateForm
    extra_context = {"title": gettext_lazy("Suivi de la demande")}
    success_message = gettext_lazy("La demande est enregistrée.")

    @cached_property
    def service_request(self):
        rows = selectors.requests_visible_to(self.consortium, self.request.user)
        return get_object_or_404(rows, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super(_FormView, self).get_form_kwargs()
        return {**kwargs, "instance": self.service_request}

    def perform(self, form):
        return services.request_update(request=self.service_request, **form.cleaned_data)

    def get_success_url(self):
        return self.service_request.get_absolute_url()


class ReportView(RoleRequiredMixin, RequestConsortiumMixin, TemplateView):
    """The month's commitments met and missed per member; `?export=csv` or `xlsx`."""

    allowed_roles = SIGNED_IN
    template_name = "commitments/report.html"

    def _rows(self):
        self.form = MonthForm(self.request.GET or None)
        self.month = self.form.month(timezone.localdate())
        return selectors.monthly_report(self.consortium, self.month, self.request.user)

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export not in ("csv", "xlsx"):
            return super().get(request, *args, **kwargs)
        rows = self._rows()
        headers = [_("Membre"), _("Engagement"), _("Demandes"), _("Tenus"), _("Manqués"),
                   _("En cours")]  # fmt: skip
        data = [[r.partner, r.kind_label, r.total, r.met, r.missed, r.pending] for r in rows]
        name = f"engagements-{self.month:%Y-%m}"
        if export == "csv":
            response = HttpResponse(csv_bytes(headers, data), content_type="text/csv")
        else:
            title = _("Engagements %(month)s") % {"month": f"{self.month:%m-%Y}"}
            response = HttpResponse(
                xlsx_bytes(title, headers, data, money=set()),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{export}"'
        return response

    def get_context_data(self, **kwargs):
        rows = self._rows()
        return {**super().get_context_data(**kwargs), "rows": rows, "form": self.form,
                "month": self.month}  # fmt: skip
