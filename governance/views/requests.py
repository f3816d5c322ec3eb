"""Meeting requests: a partner user asks; secretaries and administrators schedule or answer."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, FormView, ListView

from governance import selectors
from governance.forms import MeetingForm
from governance.models import Meeting, RequestState
from governance.request_forms import MeetingRequestAnswerForm, MeetingRequestForm
from governance.services import requests as services
from governance.views.common import RecorderContextMixin
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import PARTNERS, RECORDERS, SIGNED_IN
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import request_consortium


class MeetingRequestListView(RoleRequiredMixin, RecorderContextMixin, ListView):
    allowed_roles = SIGNED_IN
    template_name = "governance/meeting_request_list.html"
    context_object_name = "requests"
    paginate_by = 50

    def get_queryset(self):
        return selectors.meeting_requests_visible_to(
            self.request.user, request_consortium(self.request)
        )


class MeetingRequestCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = PARTNERS
    form_class = MeetingRequestForm
    template_name = "partners/form.html"
    extra_context = {"title": _("Demander une séance")}
    success_message = _("Votre demande a été transmise au coordonnateur.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.request.user.partner}

    def perform(self, form):
        return services.meeting_request_create(
            partner=self.request.user.partner, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("governance:meeting_request_list")


class _PendingRequestMixin:
    @cached_property
    def meeting_request(self):
        return get_object_or_404(
            selectors.meeting_requests_visible_to(
                self.request.user, request_consortium(self.request)
            ),
            pk=self.kwargs["pk"],
            state=RequestState.PENDING,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "cancel_url": reverse("governance:meeting_request_list"),
        }


class MeetingRequestScheduleView(
    RoleRequiredMixin, _PendingRequestMixin, ServiceFormMixin, CreateView
):
    """The meeting form of the requested body, prefilled from its latest meeting."""

    allowed_roles = RECORDERS
    form_class = MeetingForm
    template_name = "partners/form.html"
    success_message = _("La séance est programmée ; le demandeur en est informé.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.meeting_request.body}

    def get_initial(self):
        latest = Meeting.objects.filter(body=self.meeting_request.body).order_by("-starts_at")
        latest = latest.first()
        if latest is None:
            return {}
        names = ("place_preposition", "place", "video_link", "chair", "chair_title", "secretary")
        return {name: getattr(latest, name) for name in names}

    def get_context_data(self, **kwargs):
        request = self.meeting_request
        title = _("Programmer une séance du %(body)s demandée par %(partner)s : %(subject)s") % {
            "body": request.body,
            "partner": request.partner.short_name,
            "subject": request.subject,
        }
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.meeting_request_schedule(
            request=self.meeting_request, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return self.object.get_absolute_url()


class MeetingRequestAnswerView(RoleRequiredMixin, _PendingRequestMixin, ServiceFormMixin, FormView):
    allowed_roles = RECORDERS
    form_class = MeetingRequestAnswerForm
    template_name = "partners/form.html"
    success_message = _("La réponse a été envoyée au demandeur.")

    def get_context_data(self, **kwargs):
        request = self.meeting_request
        title = _("Répondre à la demande de %(partner)s : %(subject)s") % {
            "partner": request.partner.short_name,
            "subject": request.subject,
        }
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.meeting_request_answer(
            request=self.meeting_request, user=self.request.user, **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("governance:meeting_request_list")
