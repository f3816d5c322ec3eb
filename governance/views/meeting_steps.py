"""A meeting's confirmed steps: sending the convocation, closing the minutes, and the minutes PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from governance import confirmations, selectors, wording
from governance.minutes import minutes_filename, minutes_pdf
from governance.models import Meeting
from governance.services import meetings as services
from governance.services import minutes_exports
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import RECORDERS, SIGNED_IN
from partners.consortia import RequestConsortiumMixin, request_consortium


class _ConfirmedMeetingActionView(
    RoleRequiredMixin, RequestConsortiumMixin, SingleObjectMixin, View
):
    """Nothing irreversible on a single click: the first POST changes nothing and shows what will
    happen; the POST from that page (with `confirmed`) calls the service, whose refusal comes back
    as a message."""

    allowed_roles = RECORDERS
    http_method_names = ["post"]
    template_name = ""
    success_message = ""

    def get_queryset(self):
        return selectors.in_consortium(Meeting.objects, self.consortium, "body__")

    def post(self, request, pk):
        meeting = self.object = self.get_object()
        if request.POST.get("confirmed") != "1":
            context = {"meeting": meeting, **self.summary(meeting)}
            return TemplateResponse(request, self.template_name, context)
        try:
            self.perform(meeting)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(meeting.get_absolute_url())

    def summary(self, meeting) -> dict:
        raise NotImplementedError

    def perform(self, meeting) -> None:
        raise NotImplementedError


class ConvocationSendView(_ConfirmedMeetingActionView):
    template_name = "governance/convocation_confirm.html"
    success_message = _("Les convocations partent à chaque membre de l'instance.")

    def summary(self, meeting):
        return {"preview": confirmations.convocation_preview(meeting)}

    def perform(self, meeting):
        services.convocation_send(meeting=meeting)
        if selectors.notice_is_short(meeting):
            messages.warning(
                self.request,
                _(
                    "Attention : le délai de convocation (%(days)s) est plus court que celui "
                    "de l'instance (%(min)s)."
                )
                % {
                    "days": wording.days(selectors.notice_days(meeting) or 0),
                    "min": wording.days(meeting.body.notice_days),
                },
            )


class MinutesCloseView(_ConfirmedMeetingActionView):
    template_name = "governance/minutes_close_confirm.html"
    success_message = _("Le procès-verbal est clos et publié aux partenaires.")

    def summary(self, meeting):
        return {"summary": confirmations.minutes_close_summary(meeting)}

    def perform(self, meeting):
        services.minutes_close(meeting=meeting)


def _readable_meeting(request, pk) -> Meeting:
    meetings = selectors.meetings_visible_to(request.user, request_consortium(request))
    meeting = get_object_or_404(meetings, pk=pk)
    if not selectors.minutes_visible_to(request.user, meeting):
        raise Http404(_("Le procès-verbal de cette séance n'est pas encore publié."))
    return meeting


def _pdf_response(data: bytes, meeting: Meeting) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{minutes_filename(meeting)}"'
    response["Cache-Control"] = "private, no-store"
    return response


class MinutesPdfView(RoleRequiredMixin, View):
    """A small meeting's minutes at once; a large one's once its task has stored them (a draft:
    the one the preparation page links to), else that page."""

    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        meeting = _readable_meeting(request, pk)
        if not minutes_exports.is_large(meeting):
            return _pdf_response(minutes_pdf(meeting), meeting)
        export = minutes_exports.current_export(meeting)
        ready = export is not None and export.done_at is not None
        if ready and (not export.is_draft or request.GET.get("brouillon") == str(export.pk)):
            export.refresh_from_db(fields=["pdf"])
            return _pdf_response(bytes(export.pdf), meeting)
        return HttpResponseRedirect(reverse("governance:minutes_export", args=[meeting.pk]))


class MinutesExportView(RoleRequiredMixin, TemplateView):
    """A large meeting's minutes: asked for (POST), then « en préparation » and their link."""

    allowed_roles = SIGNED_IN
    template_name = "governance/minutes_export.html"

    def get_context_data(self, **kwargs):
        meeting = _readable_meeting(self.request, self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "meeting": meeting,
            "export": minutes_exports.current_export(meeting),
        }

    def post(self, request, pk):
        meeting = _readable_meeting(request, pk)
        minutes_exports.minutes_export_request(meeting=meeting, user=request.user)
        return HttpResponseRedirect(reverse("governance:minutes_export", args=[meeting.pk]))


class MinutesExportProgressView(RoleRequiredMixin, View):
    """Whether the minutes' task is done: read by the preparation page every second."""

    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        export = minutes_exports.current_export(_readable_meeting(request, pk))
        if export is None:  # not asked yet
            return JsonResponse({"done": False, "error": "", "asked": False})
        return JsonResponse({**export.as_dict(), "asked": True})
