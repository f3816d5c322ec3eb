"""Exclusion pages: the deadlines, a case, its steps (COPIL, letter, receipt, costs), the letter.

Managers (administrators, finance staff) write; all staff read; a partner user sees its own
decided case: its letter and its deadline.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView, View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, SIGNED_IN, STAFF, role_of
from ligeris.lib.views import add_service_errors
from membership import letters
from membership.forms.exclusion import (
    ExclusionCostsForm,
    ExclusionLetterForm,
    ExclusionOpenForm,
    ExclusionReceiptForm,
    ExclusionScheduleForm,
)
from membership.models import ExclusionGround, ExclusionState
from membership.selectors import exclusion as selectors
from membership.services import exclusion as services
from partners.consortia import request_consortium, request_consortium_or_404
from titres import titre_selectors


class ExclusionListView(RoleRequiredMixin, TemplateView):
    allowed_roles = STAFF
    template_name = "membership/exclusion_list.html"

    def get_context_data(self, **kwargs):
        consortium = request_consortium_or_404(self.request)
        return {
            **super().get_context_data(**kwargs),
            "deadlines": selectors.deadline_rows(consortium),
            "cases": selectors.cases_of_consortium(consortium),
            "can_manage": role_of(self.request.user) in MANAGERS,
        }


class ExclusionCreateView(RoleRequiredMixin, FormView):
    allowed_roles = MANAGERS
    form_class = ExclusionOpenForm
    template_name = "membership/exclusion_form.html"
    extra_context = {"title": _("Proposer une exclusion (article 8)")}

    @cached_property
    def consortium(self):
        return request_consortium_or_404(self.request)

    @cached_property
    def overdue(self):
        return titre_selectors.overdue(self.consortium)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium, "overdue": self.overdue}

    def get_initial(self):
        partner_id = self.request.GET.get("partenaire", "")
        if not (partner_id.isascii() and partner_id.isdigit()):
            return {}
        titres = [t.pk for t in self.overdue if t.debtor_id == int(partner_id)]
        ground = ExclusionGround.NON_PAYMENT if titres else ExclusionGround.OTHER
        return {"partner": int(partner_id), "titres": titres, "ground": ground}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = services.exclusion_open(
                partner=data["partner"],
                ground=data["ground"],
                breach=data["breach"],
                titres=list(data["titres"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("La procédure d'exclusion est ouverte."))
        return HttpResponseRedirect(case.get_absolute_url())


class ExclusionDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "membership/exclusion_detail.html"
    context_object_name = "case"

    def get_queryset(self):
        return selectors.cases_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        case = self.object
        return {
            **super().get_context_data(**kwargs),
            "titres": case.titres.select_related("debtor"),
            "tenants": [h.tenant for h in case.partner.holdings.select_related("tenant")],
            "can_manage": role_of(self.request.user) in MANAGERS,
            "is_staff_role": role_of(self.request.user) in STAFF,
            "from_receipt": letters.FROM_RECEIPT,
        }


class _CaseStepView(RoleRequiredMixin, FormView):
    """A form on one case that hands its data to one service."""

    allowed_roles = MANAGERS
    template_name = "membership/exclusion_form.html"
    success_message = ""
    #: The states this step applies to.
    states = (ExclusionState.DECIDED,)

    @cached_property
    def case(self):
        cases = selectors.cases_visible_to(self.request.user, request_consortium(self.request))
        case = get_object_or_404(cases, pk=self.kwargs["pk"])
        if case.state not in self.states:
            raise Http404(_("Cette étape ne s'applique pas à la procédure dans son état."))
        return case

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "case": self.case,
            "cancel_url": self.case.get_absolute_url(),
        }

    def perform(self, data):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.case.get_absolute_url())


class ExclusionScheduleView(_CaseStepView):
    form_class = ExclusionScheduleForm
    states = (ExclusionState.OPEN,)
    extra_context = {"title": _("Inscrire l'exclusion à l'ordre du jour du COPIL")}
    success_message = _(
        "L'exclusion est inscrite à l'ordre du jour ; le partenaire concerné ne prend pas part au vote."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.case.partner.consortium}

    def perform(self, data):
        services.exclusion_schedule(
            case=self.case, meeting=data["meeting"], number=data["number"], motion=data["motion"]
        )


class ExclusionLetterView(_CaseStepView):
    form_class = ExclusionLetterForm
    extra_context = {"title": _("Envoi de la lettre recommandée")}
    success_message = _("L'envoi de la lettre est enregistré.")

    def perform(self, data):
        services.exclusion_letter_record(
            case=self.case, sent_on=data["letter_sent_on"], reference=data["letter_reference"]
        )


class ExclusionReceiptView(_CaseStepView):
    form_class = ExclusionReceiptForm
    extra_context = {"title": _("Réception de la lettre de notification")}
    success_message = _("La réception est enregistrée : le délai de six mois court.")

    def perform(self, data):
        services.exclusion_receipt_record(case=self.case, received_on=data["received_on"])


class ExclusionCostsView(_CaseStepView):
    form_class = ExclusionCostsForm
    extra_context = {"title": _("Frais d'exclusion à la charge du partenaire")}
    success_message = _("Les frais sont imputés au partenaire exclu.")

    def perform(self, data):
        services.exclusion_costs_charge(
            case=self.case,
            amount=data["amount"],
            label=data["label"],
            invoice_date=data["invoice_date"],
            reference=data["reference"],
        )


class ExclusionLetterPdfView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        cases = selectors.cases_visible_to(request.user, request_consortium(request))
        case = get_object_or_404(cases, pk=pk, state=ExclusionState.DECIDED)
        response = HttpResponse(letters.letter_pdf(case), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{letters.letter_filename(case)}"'
        return response
