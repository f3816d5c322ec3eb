"""What the partnership adds to a meeting: the COPIL's follow-up of the workstreams, the
rotating secretariat, guests and the audio recording."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from governance.models import BodyKind
from governance.views.meetings import OpenMeetingMixin
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import RECORDERS, SIGNED_IN, role_of
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import request_consortium, request_consortium_or_404
from programme import selectors
from programme.forms import GuestForm, RecordingForm, ReviewForm, RotaForm, SecretariatForm
from programme.models import WorkstreamReview
from programme.services import meetings as services
from programme.services.workstreams import ReviewEntry, reviews_record
from programme.views.workstreams import EDITORS, FORM


class _MeetingMixin:
    @cached_property
    def meeting(self):
        visible = selectors.meetings_of(self.request.user, request_consortium(self.request))
        visible = visible.select_related("body__consortium")
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        url = self.meeting.get_absolute_url()
        return {**super().get_context_data(**kwargs), "meeting": self.meeting, "cancel_url": url}

    def get_success_url(self):
        return self.meeting.get_absolute_url()


class _OpenMeetingFormView(
    RoleRequiredMixin, OpenMeetingMixin, _MeetingMixin, ServiceFormMixin, FormView
):
    """The role first (403), then the meeting (404, or closed: back to it)."""

    allowed_roles = RECORDERS
    template_name = FORM


class ReviewSheetView(RoleRequiredMixin, OpenMeetingMixin, _MeetingMixin, TemplateView):
    """One line per workstream of the consortium: what the COPIL records of each."""

    allowed_roles = EDITORS
    template_name = "programme/review_sheet.html"

    def dispatch(self, request, *args, **kwargs):
        # The role first (403); a closed meeting goes back to its page (OpenMeetingMixin).
        allowed = role_of(request.user) in self.allowed_roles
        if allowed and self.meeting.body.kind != BodyKind.STEERING:
            raise Http404(_("Seul le comité de pilotage suit l'avancement des chantiers."))
        return super().dispatch(request, *args, **kwargs)

    def _rows(self, data=None):
        workstreams = selectors.workstream_list(self.request.user, self.meeting.body.consortium)
        reviews = {
            r.workstream_id: r for r in WorkstreamReview.objects.filter(meeting=self.meeting)
        }
        rows = []
        for workstream in workstreams:
            review = reviews.get(workstream.pk)
            if review is not None:
                initial = {
                    name: getattr(review, name)
                    for name in ("progress", "objectives", "objectives_note", "resources")
                } | {"staff_days": review.staff_days}
            else:  # proposed from the deliverables; recorded only if the COPIL fills the line
                initial = {"progress": workstream.deliverable_progress}
            form = ReviewForm(data, prefix=f"w{workstream.pk}", initial=initial)
            rows.append((workstream, form, review))
        return rows

    def get_context_data(self, **kwargs):
        rows = kwargs.pop("rows", None) or self._rows()
        return {**super().get_context_data(**kwargs), "rows": rows}

    def post(self, request, *args, **kwargs):
        rows = self._rows(request.POST)
        if not all(form.is_valid() for _w, form, _r in rows):
            return self.render_to_response(self.get_context_data(rows=rows))
        entries = [
            ReviewEntry(
                workstream=workstream,
                progress=form.cleaned_data["progress"],
                objectives=form.cleaned_data["objectives"],
                objectives_note=form.cleaned_data["objectives_note"],
                resources=form.cleaned_data["resources"],
                staff_days=form.cleaned_data["staff_days"],
            )
            for workstream, form, _r in rows
            if form.cleaned_data["filled"]
        ]
        try:
            reviews_record(meeting=self.meeting, entries=entries)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return self.render_to_response(self.get_context_data(rows=rows))
        messages.success(request, _("Le suivi des chantiers a été enregistré."))
        return HttpResponseRedirect(self.meeting.get_absolute_url())


class RotaView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """The secretariat's rota: partners in the order they take their turn."""

    allowed_roles = RECORDERS
    template_name = "programme/rota.html"
    form_class = RotaForm
    success_message = _("Le partenaire a été ajouté au tour de rôle.")

    @cached_property
    def consortium(self):
        return request_consortium_or_404(self.request)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def get_context_data(self, **kwargs):
        entries = selectors.rota(self.consortium.pk)
        return {**super().get_context_data(**kwargs), "entries": entries}

    def perform(self, form):
        return services.rota_add(consortium=self.consortium, **form.cleaned_data)

    def get_success_url(self):
        return reverse("programme:rota")


class RotaRemoveView(RoleRequiredMixin, View):
    allowed_roles = RECORDERS

    def post(self, request, pk):
        entries = selectors.rota_entries(request_consortium_or_404(request).pk)
        entry = get_object_or_404(entries, pk=pk)
        services.rota_remove(entry=entry)
        messages.success(
            request,
            _("%(partner)s a été retiré du tour de rôle.") % {"partner": entry.partner},
        )
        return HttpResponseRedirect(reverse("programme:rota"))


class SecretariatView(_OpenMeetingFormView):
    form_class = SecretariatForm
    extra_context = {"title": _("Secrétariat de la séance")}
    success_message = _("Le secrétariat de la séance a été enregistré.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.meeting.body.consortium}

    def get_initial(self):
        held = getattr(self.meeting, "secretariat", None)
        if held is not None:
            return {"partner": held.partner_id}
        proposal = selectors.secretariat_proposal(self.meeting)
        return {"partner": proposal.partner.pk} if proposal else {}

    def perform(self, form):
        return services.secretariat_set(meeting=self.meeting, **form.cleaned_data)


class GuestCreateView(_OpenMeetingFormView):
    form_class = GuestForm
    extra_context = {"title": _("Inviter à la séance")}
    success_message = _("L'invité a été ajouté à la séance.")

    def perform(self, form):
        return services.guest_add(meeting=self.meeting, **form.cleaned_data)


class GuestRemoveView(RoleRequiredMixin, View):
    allowed_roles = RECORDERS

    def post(self, request, pk):
        guests = selectors.guests_visible_to(request.user, request_consortium(request))
        guest = get_object_or_404(guests, pk=pk)
        try:
            services.guest_remove(guest=guest)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("L'invité a été retiré de la séance."))
        return HttpResponseRedirect(guest.meeting.get_absolute_url())


class RecordingCreateView(RoleRequiredMixin, _MeetingMixin, ServiceFormMixin, FormView):
    """Open after the minutes close too: the recording is shared, not part of the record."""

    allowed_roles = RECORDERS
    template_name = FORM
    form_class = RecordingForm
    extra_context = {"title": _("Joindre l'enregistrement audio")}
    success_message = _("L'enregistrement a été joint à la séance.")

    def perform(self, form):
        return services.recording_add(meeting=self.meeting, **form.cleaned_data)


class RecordingDownloadView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        recording = get_object_or_404(
            selectors.recordings_visible_to(request.user, request_consortium(request)), pk=pk
        )
        extension = recording.audio_format
        content_type = {
            "mp3": "audio/mpeg",
            "ogg": "audio/ogg",
            "opus": "audio/ogg",
            "m4a": "audio/mp4",
            "wav": "audio/wav",
        }[recording.audio_format]
        return FileResponse(
            recording.file.open("rb"),
            as_attachment=True,
            filename=f"seance-{recording.meeting_id}-{recording.pk}.{extension}",
            content_type=content_type,
        )
