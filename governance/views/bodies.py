"""Bodies, seats and working groups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView, View

from governance import selectors
from governance.forms import BodyForm, SeatForm, SeatUpdateForm, WorkingGroupForm
from governance.models import Body, Decision, Seat
from governance.services import bodies as services
from governance.views.common import RecorderContextMixin
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import RECORDERS, SIGNED_IN
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import RequestConsortiumMixin, request_consortium


class BodyListView(RoleRequiredMixin, RecorderContextMixin, ListView):
    allowed_roles = SIGNED_IN
    template_name = "governance/body_list.html"
    context_object_name = "bodies"

    def get_queryset(self):
        return selectors.bodies_visible_to(self.request.user, request_consortium(self.request))


#: A general assembly has a seat per partner (2,000 at the largest consortia): a page at a time.
SEATS_PER_PAGE = 50


class BodyDetailView(RoleRequiredMixin, RecorderContextMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "governance/body_detail.html"
    context_object_name = "body"

    def get_queryset(self):
        bodies = selectors.bodies_visible_to(self.request.user, request_consortium(self.request))
        return bodies.select_related("created_by__item__meeting")

    def get_context_data(self, **kwargs):
        body = self.object
        seats = selectors.active_seats(body).order_by(
            "order", "partner__name", "person__last_name", "pk"
        )
        seats = Paginator(seats, SEATS_PER_PAGE)
        return {
            **super().get_context_data(**kwargs),
            "seats": seats.get_page(self.request.GET.get("sieges")),
            "meetings": body.meetings.order_by("-starts_at"),
        }


class _BodyFormView(RoleRequiredMixin, RequestConsortiumMixin, ServiceFormMixin):
    allowed_roles = RECORDERS
    form_class = BodyForm
    template_name = "partners/form.html"
    success_message = _("L'instance a été enregistrée.")

    def get_success_url(self):
        return self.object.get_absolute_url()


class BodyCreateView(_BodyFormView, CreateView):
    extra_context = {"title": _("Nouvelle instance")}

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if v is not None or k == "quorum"}
        return services.body_create(consortium=self.consortium, **data)


class BodyUpdateView(_BodyFormView, UpdateView):
    extra_context = {"title": _("Paramètres de l'instance")}

    def get_queryset(self):
        return selectors.in_consortium(Body.objects, self.consortium)

    def perform(self, form):
        return services.body_update(body=self.get_object(), **form.cleaned_data)


class SeatCreateView(RoleRequiredMixin, RequestConsortiumMixin, ServiceFormMixin, FormView):
    allowed_roles = RECORDERS
    form_class = SeatForm
    template_name = "partners/form.html"
    success_message = _("Le siège a été ajouté.")

    @cached_property
    def body(self):
        return get_object_or_404(
            selectors.in_consortium(Body.objects, self.consortium), pk=self.kwargs["pk"]
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.body}

    def get_context_data(self, **kwargs):
        title = _("Ajouter un siège : %(body)s") % {"body": self.body}
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        data = form.cleaned_data
        return services.seat_add(body=self.body, person=data["person"], role=data["role"] or None)

    def get_success_url(self):
        return self.body.get_absolute_url()


class SeatUpdateView(RoleRequiredMixin, RequestConsortiumMixin, ServiceFormMixin, FormView):
    """A seat's role and protocol rank."""

    allowed_roles = RECORDERS
    form_class = SeatUpdateForm
    template_name = "partners/form.html"
    success_message = _("Le siège a été enregistré.")

    @cached_property
    def seat(self):
        seats = Seat.objects.select_related("body", "person", "partner")
        return get_object_or_404(
            selectors.in_consortium(seats, self.consortium, "body__"), pk=self.kwargs["pk"]
        )

    def get_initial(self):
        return {"role": self.seat.role, "order": self.seat.order}

    def get_context_data(self, **kwargs):
        title = _("Siège de %(seat)s : %(body)s") % {"seat": self.seat, "body": self.seat.body}
        return {
            **super().get_context_data(**kwargs),
            "title": title,
            "cancel_url": self.seat.body.get_absolute_url(),
        }

    def perform(self, form):
        return services.seat_update(seat=self.seat, **form.cleaned_data)

    def get_success_url(self):
        return self.seat.body.get_absolute_url()


class SeatEndView(RoleRequiredMixin, RequestConsortiumMixin, View):
    allowed_roles = RECORDERS
    http_method_names = ["post"]

    def post(self, request, pk):
        seats = Seat.objects.select_related("body")
        seat = get_object_or_404(selectors.in_consortium(seats, self.consortium, "body__"), pk=pk)
        services.seat_deactivate(seat=seat)
        messages.success(request, _("%(seat)s ne siège plus.") % {"seat": seat})
        return HttpResponseRedirect(seat.body.get_absolute_url())


class WorkingGroupCreateView(RoleRequiredMixin, RequestConsortiumMixin, ServiceFormMixin, FormView):
    allowed_roles = RECORDERS
    form_class = WorkingGroupForm
    template_name = "partners/form.html"
    success_message = _("Le groupe de travail a été créé.")

    @cached_property
    def decision(self):
        decisions = Decision.objects.select_related("item__meeting__body")
        return get_object_or_404(
            selectors.in_consortium(decisions, self.consortium, "item__meeting__body__"),
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.consortium}

    def get_context_data(self, **kwargs):
        title = _("Groupe de travail créé par : %(decision)s") % {"decision": self.decision}
        return {**super().get_context_data(**kwargs), "title": title}

    def perform(self, form):
        return services.working_group_create(decision=self.decision, **form.cleaned_data)

    def get_success_url(self):
        return self.object.get_absolute_url()


class YearCloseView(RoleRequiredMixin, RequestConsortiumMixin, View):
    allowed_roles = RECORDERS
    http_method_names = ["post"]

    def post(self, request):
        try:
            year = int(request.POST.get("year", ""))
            services.year_close(consortium=self.consortium, year=year)
        except ValueError:
            messages.error(request, _("Année invalide."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("L'année %(year)s est close.") % {"year": year})
        return HttpResponseRedirect(reverse("governance:frequency"))
