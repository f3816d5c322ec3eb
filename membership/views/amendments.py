"""Amendments: the list, one amendment with who has not yet approved, recording an approval, PDF.

Staff see their consortium's amendments; a partner user sees its own consortium's (acts between
all the parties), read-only, and only its own deliberation's scan. Finance staff and
administrators record.
"""

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, ListView, View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, SIGNED_IN, Role, role_of
from ligeris.lib.views import ServiceFormMixin
from membership.amendment_pdf import amendment_filename, amendment_pdf
from membership.forms.amendments import ApprovalForm
from membership.models import AmendmentParty
from membership.selectors import amendments as selectors
from membership.selectors import deliberations as deliberation_selectors
from membership.services import amendments as services
from partners.consortia import request_consortium


class AmendmentListView(RoleRequiredMixin, ListView):
    allowed_roles = SIGNED_IN
    template_name = "membership/amendments_list.html"
    context_object_name = "files"
    paginate_by = 50

    def get_queryset(self):
        return selectors.amendments_visible_to(self.request.user, request_consortium(self.request))


class AmendmentDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "membership/amendments_detail.html"
    context_object_name = "file"

    def get_queryset(self):
        return selectors.amendments_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        parties = selectors.parties_of(self.object)
        context["parties"] = [
            {"party": party, "scan_visible": selectors.scan_visible_to(user, party)}
            for party in parties
        ]
        context["pending"] = [party for party in parties if not party.has_approved]
        context["can_record"] = role_of(user) in MANAGERS and not self.object.is_in_force
        # The portal's side: a partner uploads its deliberation, staff check those waiting.
        own = deliberation_selectors.own_party(user, self.object.pk)
        context["may_submit"] = role_of(user) == Role.PARTNER and deliberation_selectors.may_submit(
            own
        )
        if context["can_record"]:
            context["waiting"] = deliberation_selectors.waiting_submissions(
                user, request_consortium(self.request)
            ).filter(party__file=self.object)
        return context


class ApprovalRecordView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    form_class = ApprovalForm
    template_name = "membership/amendments_approval.html"
    success_message = _("L'approbation a été enregistrée.")

    @cached_property
    def party(self) -> AmendmentParty:
        parties = selectors.parties_visible_to(self.request.user, request_consortium(self.request))
        return get_object_or_404(parties, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"approving_body": self.party.partner.approving_body}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "party": self.party, "file": self.party.file}

    def perform(self, form):
        return services.approval_record(
            party=self.party, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.party.file.get_absolute_url()


class AmendmentPdfView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        file = get_object_or_404(
            selectors.amendments_visible_to(request.user, request_consortium(request)), pk=pk
        )
        response = HttpResponse(amendment_pdf(file), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{amendment_filename(file)}"'
        response["Cache-Control"] = "private, no-store"
        return response


class ApprovalScanView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        party = get_object_or_404(
            selectors.scans_visible_to(request.user, request_consortium(request)), pk=pk
        )
        if not party.scan:
            raise Http404(_("Aucune délibération numérisée."))
        response = FileResponse(party.scan.open("rb"), as_attachment=True)
        response["Cache-Control"] = "private, no-store"
        return response
