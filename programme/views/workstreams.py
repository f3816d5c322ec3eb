"""Workstreams: their list and page, forms, deliverables and the document delivered."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, FormView, ListView, UpdateView, View

from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import SIGNED_IN, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import request_consortium, request_consortium_or_404
from programme import selectors
from programme.forms import DeliverableCreateForm, DeliverableForm, MemberForm, WorkstreamForm
from programme.services import workstreams as services

#: Coordinator staff run the programme: secretaries and finance staff alike.
EDITORS = STAFF
FORM = "partners/form.html"


class _CanEditMixin:
    def get_context_data(self, **kwargs):
        can_edit = role_of(self.request.user) in EDITORS
        return {**super().get_context_data(**kwargs), "can_edit": can_edit}


class WorkstreamListView(RoleRequiredMixin, _CanEditMixin, ListView):
    allowed_roles = SIGNED_IN
    template_name = "programme/workstream_list.html"
    context_object_name = "workstreams"

    def get_queryset(self):
        return selectors.workstream_list(self.request.user, request_consortium(self.request))


class WorkstreamCreateView(RoleRequiredMixin, ServiceFormMixin, CreateView):
    allowed_roles = EDITORS
    form_class = WorkstreamForm
    template_name = FORM
    extra_context = {"title": _("Nouveau chantier")}
    success_message = _("Le chantier a été créé.")

    def perform(self, form):
        consortium = request_consortium_or_404(self.request)
        return services.workstream_create(consortium=consortium, **form.cleaned_data)


class WorkstreamDetailView(RoleRequiredMixin, _CanEditMixin, DetailView):
    allowed_roles = SIGNED_IN
    template_name = "programme/workstream_detail.html"
    context_object_name = "workstream"

    def get_queryset(self):
        return selectors.workstreams_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        page = selectors.workstream_page(self.object, timezone.localdate())
        return {**super().get_context_data(**kwargs), **page}


class WorkstreamUpdateView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = EDITORS
    form_class = WorkstreamForm
    template_name = FORM
    extra_context = {"title": _("Modifier le chantier")}
    success_message = _("Le chantier a été enregistré.")

    def get_queryset(self):
        return selectors.workstreams_visible_to(self.request.user, request_consortium(self.request))

    def perform(self, form):
        return services.workstream_update(workstream=self.get_object(), **form.cleaned_data)


class _WorkstreamFormView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = EDITORS
    template_name = FORM

    @cached_property
    def workstream(self):
        visible = selectors.workstreams_visible_to(
            self.request.user, request_consortium(self.request)
        )
        return get_object_or_404(visible, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        url = self.workstream.get_absolute_url()
        return {**super().get_context_data(**kwargs), "cancel_url": url}

    def get_success_url(self):
        return self.workstream.get_absolute_url()


class MemberCreateView(_WorkstreamFormView):
    form_class = MemberForm
    extra_context = {"title": _("Ajouter un membre au chantier")}
    success_message = _("Le membre a été ajouté au chantier.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": self.workstream.consortium}

    def perform(self, form):
        return services.member_add(workstream=self.workstream, **form.cleaned_data)


class DeliverableCreateView(_WorkstreamFormView):
    form_class = DeliverableCreateForm
    extra_context = {"title": _("Nouveau livrable")}
    success_message = _("Le livrable a été ajouté.")

    def perform(self, form):
        return services.deliverable_create(workstream=self.workstream, **form.cleaned_data)


class DeliverableUpdateView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = EDITORS
    form_class = DeliverableForm
    template_name = FORM
    extra_context = {"title": _("Suivi du livrable")}
    success_message = _("Le livrable a été enregistré.")

    def get_queryset(self):
        return selectors.deliverables_visible_to(
            self.request.user, request_consortium(self.request)
        )

    def get_context_data(self, **kwargs):
        url = self.object.workstream.get_absolute_url()
        return {**super().get_context_data(**kwargs), "cancel_url": url}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return services.deliverable_update(deliverable=self.get_object(), **data)

    def get_success_url(self):
        return self.object.workstream.get_absolute_url()


class DeliverableDocumentView(RoleRequiredMixin, View):
    allowed_roles = SIGNED_IN

    def get(self, request, pk):
        visible = selectors.deliverables_visible_to(request.user, request_consortium(request))
        deliverable = get_object_or_404(visible, pk=pk)
        if not deliverable.document:
            raise Http404(_("Ce livrable n'a pas encore de document."))
        return FileResponse(
            deliverable.document.open("rb"),
            as_attachment=True,
            filename=f"livrable-{deliverable.pk}.pdf",
            content_type="application/pdf",
        )
