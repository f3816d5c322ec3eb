"""Deliberations from the portal: a partner user uploads its approving deliberation for an
amendment; finance staff and administrators check it and record it, or reject it."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, PARTNERS, SIGNED_IN, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin
from membership.forms.deliberations import (
    DeliberationForm,
    DeliberationRecordForm,
    DeliberationRejectForm,
)
from membership.selectors import deliberations as selectors
from membership.services import deliberations as services
from partners.consortia import request_consortium


class DeliberationListView(RoleRequiredMixin, ListView):
    """Staff: the deliberations waiting to be checked first, then the others."""

    allowed_roles = STAFF
    template_name = "membership/deliberation_list.html"
    context_object_name = "submissions"
    paginate_by = 50

    def get_queryset(self):
        return selectors.submissions_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        can_check = role_of(self.request.user) in MANAGERS
        return {**super().get_context_data(**kwargs), "can_check": can_check}


class DeliberationSubmitView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = PARTNERS
    form_class = DeliberationForm
    template_name = "membership/deliberation_form.html"
    success_message = _("Votre délibération a été transmise au coordonnateur.")

    @cached_property
    def party(self):
        party = selectors.own_party(self.request.user, self.kwargs["pk"])
        if party is None:
            raise Http404(_("Votre partenaire n'est pas partie à cet avenant."))
        return party

    def get_initial(self):
        return {"approving_body": self.party.partner.approving_body}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(party=self.party, file=self.party.file)
        context["may_submit"] = selectors.may_submit(self.party)
        return context

    def perform(self, form):
        return services.deliberation_submit(
            party=self.party, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.party.file.get_absolute_url()


class _WaitingMixin:
    @cached_property
    def submission(self):
        waiting = selectors.waiting_submissions(self.request.user, request_consortium(self.request))
        return get_object_or_404(waiting, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "submission": self.submission,
            "cancel_url": reverse("membership:deliberation_list"),
        }

    def get_success_url(self):
        return reverse("membership:deliberation_list")


class DeliberationRecordView(RoleRequiredMixin, _WaitingMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    form_class = DeliberationRecordForm
    template_name = "membership/deliberation_check.html"
    success_message = _("La délibération est enregistrée comme approbation de l'avenant.")
    extra_context = {"action": "record"}

    def perform(self, form):
        return services.deliberation_record(
            submission=self.submission, user=self.request.user, **form.cleaned_data
        )


class DeliberationRejectView(RoleRequiredMixin, _WaitingMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    form_class = DeliberationRejectForm
    template_name = "membership/deliberation_check.html"
    success_message = _(
        "La délibération a été refusée ; le partenaire voit le motif dans sa boîte."
    )
    extra_context = {"action": "reject"}

    def perform(self, form):
        return services.deliberation_reject(
            submission=self.submission, user=self.request.user, **form.cleaned_data
        )


class DeliberationPdfView(RoleRequiredMixin, View):
    """The uploaded PDF: staff, and the partner that uploaded it."""

    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        submissions = selectors.submissions_visible_to(request.user, request_consortium(request))
        submission = get_object_or_404(submissions, pk=pk)
        response = FileResponse(
            submission.pdf.open("rb"), as_attachment=True, filename="deliberation.pdf"
        )
        response["Cache-Control"] = "private, no-store"
        return response
