"""Withdrawal notices: recorded from the partner's page, shown with their dates and milestones."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, ListView, UpdateView, View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, SIGNED_IN, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin
from membership.forms.withdrawal import MilestonesForm, NoticeForm
from membership.selectors import withdrawal as selectors
from membership.services import withdrawal as services
from partners.consortia import request_consortium
from partners.selectors import partners_visible_to


class NoticeListView(RoleRequiredMixin, ListView):
    allowed_roles = STAFF
    template_name = "membership/withdrawal_list.html"
    context_object_name = "notices"

    def get_queryset(self):
        return selectors.notices_visible_to(
            self.request.user, request_consortium(self.request)
        ).order_by("-received_on")


class NoticeCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = NoticeForm
    template_name = "membership/withdrawal_form.html"
    success_message = _("Le préavis de retrait a été enregistré.")

    @cached_property
    def partner(self):
        return get_object_or_404(
            partners_visible_to(self.request.user, request_consortium(self.request)),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Préavis de retrait de %(partner)s") % {"partner": self.partner},
            "partner": self.partner,
            "cancel_url": self.partner.get_absolute_url(),
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.notice_record(
            partner=self.partner,
            received_on=data["received_on"],
            reference=data["reference"],
            scan=data.get("scan"),
            user=self.request.user,
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class NoticeDetailView(RoleRequiredMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "membership/withdrawal_detail.html"
    context_object_name = "notice"

    def get_queryset(self):
        return selectors.notices_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "milestones": selectors.milestones(self.object),
            "can_manage": role_of(self.request.user) in MANAGERS,
        }


class NoticeMilestonesView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = MilestonesForm
    template_name = "membership/withdrawal_form.html"
    success_message = _("La restitution des données a été enregistrée.")

    def get_queryset(self):
        return selectors.notices_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Restitution des données de %(partner)s") % {"partner": self.object.partner},
            "cancel_url": self.object.get_absolute_url(),
        }

    def perform(self, form):
        notice = type(self.object).objects.get(pk=self.object.pk)  # not the form's edited copy
        return services.notice_milestones_save(notice=notice, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class NoticeScanView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        notice = get_object_or_404(
            selectors.notices_visible_to(request.user, request_consortium(request)), pk=pk
        )
        if not notice.scan:
            raise Http404
        response = FileResponse(notice.scan.open("rb"), as_attachment=True)
        response["Cache-Control"] = "private, no-store"
        return response
