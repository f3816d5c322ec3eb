"""Meetings: their list and page, agenda, documents, attendance and votes (the convocation and
the minutes are in `meeting_steps`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView, View

from governance import meeting_page, selectors, wording
from governance.forms import AttendanceForm, DocumentForm, ItemForm, MeetingForm, VoteSheetForm
from governance.models import AgendaDocument, AgendaItem, Body, ItemKind, Meeting
from governance.services import meetings as services
from governance.services import votes as vote_services
from governance.sheet_forms import (
    PROXY_SELECT_MAX,
    SEATS_PER_PAGE,
    VOTE_BULK_MIN,
    VOTES_PER_PAGE,
    sheet_search,
)
from governance.views.common import RecorderContextMixin
from governance.vote_base import SEAT_FIELDS
from ligeris.lib import french
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import RECORDERS, SIGNED_IN, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import RequestConsortiumMixin, request_consortium


class MeetingListView(RoleRequiredMixin, RecorderContextMixin, ListView):
    allowed_roles = SIGNED_IN
    template_name = "governance/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 25

    def get_queryset(self):
        meetings = selectors.meetings_visible_to(
            self.request.user, request_consortium(self.request)
        )
        return meetings.order_by("-starts_at")

    def get_context_data(self, **kwargs):
        is_staff_role = role_of(self.request.user) in STAFF
        return {**super().get_context_data(**kwargs), "is_staff_role": is_staff_role}


class MeetingDetailView(RoleRequiredMixin, RecorderContextMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "governance/meeting_detail.html"

    def get_queryset(self):
        return selectors.meetings_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        meeting = self.object
        context = super().get_context_data(**kwargs)
        context["is_staff_role"] = role_of(self.request.user) in STAFF
        # Before the minutes are published, partners see the convocation and the agenda only.
        context["shows_record"] = meeting.is_closed or context["is_staff_role"]
        context.update(
            meeting_page.meeting_page(
                meeting,
                with_record=context["shows_record"],
                attendance_page=self.request.GET.get("presences", 1),
            )
        )
        context["chair_title"] = wording.chair_title(meeting)
        context["hour"] = french.hour(meeting.starts_at)
        context["notice_days"] = selectors.notice_days(meeting)
        context["notice_is_short"] = selectors.notice_is_short(meeting)
        if context["is_staff_role"]:
            context["history"] = selectors.history_of_meeting(meeting)[:100]
        return context


class DecisionVotesView(RoleRequiredMixin, ListView):
    """Every vote of one decision, paginated: the meeting page shows the first ones only."""

    allowed_roles = SIGNED_IN
    template_name = "governance/decision_votes.html"
    context_object_name = "votes"
    paginate_by = meeting_page.VOTES_PER_PAGE

    @cached_property
    def item(self):
        meetings = selectors.meetings_visible_to(
            self.request.user, request_consortium(self.request)
        )
        item = get_object_or_404(
            AgendaItem.objects.select_related("meeting__body", "decision"),
            pk=self.kwargs["pk"],
            kind=ItemKind.DECISION,
            meeting__in=meetings,
        )
        # Partners see the votes with the published minutes, as on the meeting page.
        if not selectors.minutes_visible_to(self.request.user, item.meeting):
            raise Http404(_("Les votes de cette séance sont publiés avec le procès-verbal."))
        return item

    def get_queryset(self):
        return meeting_page.decision_votes(self.item.decision.pk)

    def get_context_data(self, **kwargs):
        decision = self.item.decision
        return {
            **super().get_context_data(**kwargs),
            "item": self.item,
            "meeting": self.item.meeting,
            "decision": decision,
            "advisory": decision.votes.filter(is_advisory=True).count(),
        }


class OpenMeetingMixin:
    """Forms that change a meeting's record are closed with its minutes: back to the meeting."""

    only_while_open = True

    def dispatch(self, request, *args, **kwargs):
        if self.only_while_open and self.meeting.is_closed:
            messages.error(
                request, _("Le procès-verbal de cette séance est clos : elle ne peut plus changer.")
            )
            return HttpResponseRedirect(self.meeting.get_absolute_url())
        return super().dispatch(request, *args, **kwargs)


class _MeetingFormView(
    RoleRequiredMixin, RequestConsortiumMixin, OpenMeetingMixin, ServiceFormMixin
):
    allowed_roles = RECORDERS
    form_class = MeetingForm
    template_name = "partners/form.html"
    success_message = _("La séance a été enregistrée.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body}

    def get_success_url(self):
        return self.object.get_absolute_url()


class MeetingCreateView(_MeetingFormView, CreateView):
    meeting = Meeting()  # a meeting being created is open

    @cached_property
    def body(self):
        bodies = selectors.in_consortium(Body.objects, self.consortium)
        return get_object_or_404(bodies, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        title = _("Nouvelle séance : %(body)s") % {"body": self.body.name}
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.meeting_schedule(body=self.body, **form.cleaned_data)


class MeetingUpdateView(_MeetingFormView, UpdateView):
    extra_context = {"title": _("Modifier la séance")}

    def get_queryset(self):
        return selectors.in_consortium(Meeting.objects, self.consortium, "body__")

    @cached_property
    def meeting(self):
        return self.get_object()

    @property
    def body(self):
        return self.meeting.body

    def perform(self, form):
        return services.meeting_update(meeting=self.get_object(), **form.cleaned_data)


class _MeetingChildFormView(
    RoleRequiredMixin, RequestConsortiumMixin, OpenMeetingMixin, ServiceFormMixin, FormView
):
    """A form on something of one meeting (an item, a document, the attendance, the votes), of
    the request's consortium."""

    allowed_roles = RECORDERS
    template_name = "partners/form.html"

    def meetings(self):
        return selectors.in_consortium(Meeting.objects, self.consortium, "body__")

    def items(self):
        return selectors.in_consortium(AgendaItem.objects, self.consortium, "meeting__body__")

    def get_success_url(self):
        return self.meeting.get_absolute_url()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "meeting": self.meeting,
            "cancel_url": self.meeting.get_absolute_url(),
            "not_started": self.meeting.starts_at > timezone.now(),
        }


class ItemCreateView(_MeetingChildFormView):
    form_class = ItemForm
    extra_context = {"title": _("Nouveau point de l'ordre du jour")}
    success_message = _("Le point a été ajouté à l'ordre du jour.")

    @cached_property
    def meeting(self):
        return get_object_or_404(self.meetings(), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.meeting.body}

    def perform(self, form):
        return services.item_add(meeting=self.meeting, **form.cleaned_data)


class _ItemFormView(_MeetingChildFormView):
    """A form on one agenda item."""

    @cached_property
    def item(self):
        return get_object_or_404(self.items().select_related("meeting"), pk=self.kwargs["pk"])

    @property
    def meeting(self):
        return self.item.meeting


class ItemUpdateView(_ItemFormView):
    form_class = ItemForm
    extra_context = {"title": _("Modifier le point")}
    success_message = _("Le point a été enregistré.")

    def get_form_kwargs(self):
        decision = getattr(self.item, "decision", None)
        initial = {
            "title": self.item.title,
            "summary": self.item.summary,
            "motion": decision.motion if decision else "",
            "decision_kind": decision.kind if decision else "",
            "concerned_partner": decision.concerned_partner if decision else None,
            "number": self.item.number,
        }
        return {
            **super().get_form_kwargs(),
            "initial": initial,
            "body": self.meeting.body,
            "item": self.item,
        }

    def perform(self, form):
        return services.item_update(item=self.item, **form.cleaned_data)


class DocumentCreateView(_ItemFormView):
    form_class = DocumentForm
    extra_context = {"title": _("Joindre un document")}
    success_message = _("Le document a été joint.")

    def perform(self, form):
        return services.document_add(item=self.item, **form.cleaned_data)


class DocumentDownloadView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        meetings = selectors.meetings_visible_to(request.user, request_consortium(request))
        document = get_object_or_404(AgendaDocument, pk=pk, item__meeting__in=meetings)
        response = FileResponse(document.file.open("rb"), as_attachment=True)
        response["Cache-Control"] = "private, no-store"
        return response


class AttendanceView(_MeetingChildFormView):
    form_class = AttendanceForm
    template_name = "governance/attendance.html"
    success_message = _("Les présences ont été enregistrées.")

    @cached_property
    def meeting(self):
        return get_object_or_404(self.meetings().select_related("body"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        seats = selectors.seat_names(self.meeting.body)
        current = selectors.roll_of(self.meeting)
        shown = self.page(seats).object_list if len(seats) > PROXY_SELECT_MAX else None
        return {**super().get_form_kwargs(), "seats": seats, "current": current, "shown": shown}

    def page(self, seats):
        """A large sheet's page of seats, in the body's order (that of the minutes)."""
        if not hasattr(self, "_page"):
            paginator = Paginator(seats, SEATS_PER_PAGE)
            self._page = paginator.get_page(self.request.GET.get("page"))
        return self._page

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "page_obj": getattr(self, "_page", None)}

    def perform(self, form):
        # The sheet names its seats from rows; the service writes (and audits) Seat models.
        # Only what names a seat: 2,000 seats, people and partners read in full cost seconds.
        seats = selectors.active_seats(self.meeting.body).only(*SEAT_FIELDS, "is_active")
        entries = list(form.entries({seat.pk: seat for seat in seats}))
        services.attendance_record(meeting=self.meeting, entries=entries)
        return self.meeting


class VoteSheetView(_MeetingChildFormView):
    form_class = VoteSheetForm
    template_name = "governance/votes.html"
    success_message = _("Les votes ont été enregistrés et le résultat calculé.")

    @cached_property
    def item(self):
        return get_object_or_404(
            self.items().select_related("meeting__body", "decision"),
            pk=self.kwargs["pk"],
            kind=ItemKind.DECISION,
        )

    @property
    def meeting(self):
        return self.item.meeting

    @cached_property
    def vote_base(self):
        return selectors.vote_base(self.meeting)

    @cached_property
    def voters(self):
        return self.vote_base.voters(self.item.decision)

    @cached_property
    def query(self) -> str:
        return self.request.GET.get("q", "").strip()[:100]

    @cached_property
    def page(self):
        """A large sheet's page of tenants (those the search names), None for a small one."""
        if len(self.voters) <= VOTE_BULK_MIN:
            return None
        return Paginator(sheet_search(self.voters, self.query), VOTES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )

    def get_form_kwargs(self):
        current = selectors.casts_of(self.item.decision)
        shown = self.page.object_list if self.page is not None else None
        return {
            **super().get_form_kwargs(),
            "voters": self.voters,
            "current": current,
            "shown": shown,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "page_obj": self.page,
            "query": self.query,
            "item": self.item,
            "decision": self.item.decision,
            "has_votes": self.item.decision.votes.exists(),
            "quorum": self.vote_base.quorum(),
        }

    def post(self, request, *args, **kwargs):
        if "clear" not in request.POST:
            return super().post(request, *args, **kwargs)
        try:
            vote_services.votes_clear(decision=self.item.decision)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Les votes de ce point ont été effacés."))
        return HttpResponseRedirect(self.meeting.get_absolute_url())

    def perform(self, form):
        # A voice's seat is one of the present (the form's choices say so): the base has them.
        seats = {v.cast_by.pk: v.cast_by for v in self.vote_base.voices}
        vote_services.votes_record(
            decision=self.item.decision, entries=list(form.entries(seats)), base=self.vote_base
        )
        return self.item
