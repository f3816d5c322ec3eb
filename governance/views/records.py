"""Across meetings: the decision register, the action plan, the frequency dashboard."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from governance import selectors
from governance.filters import ActionFilter, DecisionFilter
from governance.forms import ActionForm
from governance.models import Action
from governance.services import meetings as services
from governance.tables import ActionTable, DecisionTable
from governance.views.common import RecorderContextMixin
from governance.views.meetings import _ItemFormView
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import RECORDERS, SIGNED_IN, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin, TableExportMixin
from partners.consortia import RequestConsortiumMixin, request_consortium


class DecisionListView(RoleRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    allowed_roles = SIGNED_IN
    table_class = DecisionTable
    filterset_class = DecisionFilter
    template_name = "governance/decision_list.html"
    table_pagination = {"per_page": 25}  # by the table only: paginate_by counted twice
    export_name = "registre-des-decisions"

    def get_queryset(self):
        return selectors.decisions_visible_to(self.request.user, request_consortium(self.request))

    def get_filterset_kwargs(self, filterset_class):
        bodies = selectors.bodies_visible_to(self.request.user, request_consortium(self.request))
        return {**super().get_filterset_kwargs(filterset_class), "bodies": bodies}


class ActionListView(
    RoleRequiredMixin,
    RequestConsortiumMixin,
    RecorderContextMixin,
    TableExportMixin,
    SingleTableMixin,
    FilterView,
):
    allowed_roles = STAFF
    table_class = ActionTable
    filterset_class = ActionFilter
    template_name = "governance/action_list.html"
    table_pagination = {"per_page": 50}  # by the table only: paginate_by counted twice
    export_name = "plan-d-actions"

    def get_queryset(self):
        return selectors.actions_all(self.consortium)

    def get_table_kwargs(self):
        return {"can_edit": role_of(self.request.user) in RECORDERS}

    def get_filterset_kwargs(self, filterset_class):
        today = timezone.localdate()
        return {**super().get_filterset_kwargs(filterset_class), "today": today}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "overdue": selectors.actions_overdue(self.consortium),
        }


class ActionCreateView(_ItemFormView):
    """Actions are followed after the minutes are closed: this form stays open."""

    only_while_open = False
    form_class = ActionForm
    extra_context = {"title": _("Nouvelle action")}
    success_message = _("L'action a été ajoutée au plan d'actions.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def perform(self, form):
        return services.action_create(item=self.item, **form.cleaned_data)


class ActionUpdateView(RoleRequiredMixin, RequestConsortiumMixin, ServiceFormMixin, UpdateView):
    allowed_roles = RECORDERS
    form_class = ActionForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Suivi de l'action")}
    success_message = _("L'action a été enregistrée.")

    def get_queryset(self):
        return selectors.in_consortium(Action.objects, self.consortium, "item__meeting__body__")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def perform(self, form):
        return services.action_update(action=self.get_object(), **form.cleaned_data)

    def get_success_url(self):
        return reverse("governance:action_list")


class FrequencyView(RoleRequiredMixin, RequestConsortiumMixin, RecorderContextMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "governance/frequency.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        try:
            year = int(self.request.GET.get("annee", today.year))
        except ValueError:
            year = today.year
        year = min(max(year, 2000), today.year + 5)
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "rows": selectors.frequency(year, self.consortium),
            "years": range(today.year - 3, today.year + 2),
            "checks_from": datetime.date(year, 10, 1),
            "closed_years": selectors.closed_years(self.consortium),
        }
