"""Contact changes: a partner user proposes; finance staff and administrators validate or reject."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, PARTNERS, SIGNED_IN, Role, role_of
from ligeris.lib.views import ServiceFormMixin
from partners import contact_changes as services
from partners.consortia import request_consortium
from partners.contact_forms import ContactChangeForm, ContactChangeRejectForm
from partners.models import ContactChange, ContactChangeState
from partners.selectors import contact_changes_visible_to


class ContactChangeListView(RoleRequiredMixin, ListView):
    allowed_roles = SIGNED_IN
    template_name = "partners/contact_change_list.html"
    context_object_name = "changes"
    paginate_by = 50

    def get_queryset(self):
        return contact_changes_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        role = role_of(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "can_decide": role in MANAGERS,
            "can_propose": role == Role.PARTNER,
        }


class ContactChangeCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = PARTNERS
    form_class = ContactChangeForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Proposer un changement d'interlocuteur")}
    success_message = _("Votre proposition a été transmise au coordonnateur.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.request.user.partner}

    def get_context_data(self, **kwargs):
        cancel = reverse("partners:contact_change_list")
        return {**super().get_context_data(**kwargs), "cancel_url": cancel}

    def perform(self, form):
        return services.contact_change_propose(
            partner=self.request.user.partner, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("partners:contact_change_list")


class _PendingChangeMixin:
    @cached_property
    def change(self) -> ContactChange:
        return get_object_or_404(
            contact_changes_visible_to(self.request.user, request_consortium(self.request)),
            pk=self.kwargs["pk"],
            state=ContactChangeState.PENDING,
        )


class ContactChangeValidateView(RoleRequiredMixin, _PendingChangeMixin, View):
    allowed_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            change = services.contact_change_validate(change=self.change, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if change.state == ContactChangeState.APPLIED:
                messages.success(request, _("Le changement est validé et appliqué."))
            else:
                messages.success(
                    request,
                    _("Le changement est validé ; il s'appliquera le %(day)s.")
                    % {"day": change.effective_on.strftime("%d/%m/%Y")},
                )
        return HttpResponseRedirect(reverse("partners:contact_change_list"))


class ContactChangeRejectView(RoleRequiredMixin, _PendingChangeMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    form_class = ContactChangeRejectForm
    template_name = "partners/form.html"
    success_message = _("Le changement a été refusé.")

    def get_context_data(self, **kwargs):
        title = _("Refuser le changement : %(change)s") % {"change": self.change}
        cancel = reverse("partners:contact_change_list")
        return {**super().get_context_data(**kwargs), "title": title, "cancel_url": cancel}

    def perform(self, form):
        return services.contact_change_reject(
            change=self.change, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("partners:contact_change_list")
