"""A bordereau from its drafts to its issue: drafting from a run or a true-up, the batch page,
its background job's progress, issuing, resuming and deleting a draft batch."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, View
from django_tables2 import SingleTableMixin

from billing import confirmations
from billing.forms import (
    DraftsFromRunForm,
    IssueDateForm,
)
from billing.services import titres
from billing.tables import BatchExportTable, TitreTable
from billing.views.common import fiscal_year_or_404
from billing.views.titres import consortium_batches, refusal_messages
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS
from ligeris.lib.views import ServiceFormMixin, TableExportMixin
from titres import titre_selectors
from titres.models import TitreState


class DraftsView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """Draw up drafts of the year into the batch in preparation for the chosen issue date."""

    allowed_roles = MANAGERS
    template_name = "partners/form.html"
    title = ""
    done_message = ""

    @cached_property
    def fiscal_year(self):
        return fiscal_year_or_404(self.request, self.kwargs["year"])

    def get_initial(self):
        return {"issue_date": timezone.localdate()}

    def get_context_data(self, **kwargs):
        title = self.title % {"year": self.fiscal_year.year}
        return {**super().get_context_data(**kwargs), "title": title}

    def draw_up(self, form) -> tuple:
        raise NotImplementedError

    def perform(self, form):
        batch, skipped = self.draw_up(form)
        for line in skipped:
            messages.warning(self.request, line)
        messages.success(self.request, self.done_message)
        return batch

    def get_success_url(self):
        return self.object.get_absolute_url()


class DraftsFromRunView(DraftsView):
    """The titres of a budget (or specific) run: one per tenant to its payer."""

    form_class = DraftsFromRunForm
    title = _("Établir les titres de l'exercice %(year)s")
    done_message = _("Titres établis en brouillon dans le bordereau.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "fiscal_year": self.fiscal_year}

    def draw_up(self, form) -> tuple:
        return titres.drafts_from_run(
            run=form.cleaned_data["run"],
            issue_date=form.cleaned_data["issue_date"],
            user=self.request.user,
        )


class DraftsFromTrueUpView(DraftsView):
    """Additional and reduction titres from the true-up of the year's latest actual run."""

    form_class = IssueDateForm
    title = _("Établir la régularisation de l'exercice %(year)s")
    done_message = _("Titres de régularisation établis en brouillon.")

    def draw_up(self, form) -> tuple:
        return titres.drafts_from_trueup(
            fiscal_year=self.fiscal_year,
            issue_date=form.cleaned_data["issue_date"],
            user=self.request.user,
        )


class BatchDetailView(RoleRequiredMixin, TableExportMixin, SingleTableMixin, DetailView):
    """A batch: its titres, the decisions under the threshold, issuing, progress and exports."""

    allowed_roles = MANAGERS
    template_name = "billing/batch_detail.html"
    context_object_name = "batch"
    table_pagination = {"per_page": 100}

    def get_queryset(self):
        return consortium_batches(self.request)

    def get_table_class(self):
        return BatchExportTable if self.request.GET.get("_export") else TitreTable

    def get_table_data(self):
        titres = titre_selectors.with_balance(
            self.object.titres.select_related("debtor__organisation", "tenant", "batch")
        )
        return titres.order_by("number", "debtor__name", "tenant__code")

    def get_export_filename(self, export_format):
        return f"bordereau-{self.object.issue_date:%Y}-{self.object.number or 'brouillon'}.{export_format}"

    def get_context_data(self, **kwargs):
        batch = self.object
        return {
            **super().get_context_data(**kwargs),
            "undecided": titre_selectors.undecided_below_threshold(batch),
            "waived": batch.titres.filter(state=TitreState.WAIVED),
            "settings": titre_selectors.settings_of(batch.fiscal_year.consortium),
            "progress": titre_selectors.batch_progress(batch),
            "pes_exports": batch.pes_exports.select_related("created_by")[:10],
            "carryovers": batch.carryovers.select_related("debtor"),
        }


class BatchProgressView(RoleRequiredMixin, View):
    """What the batch's background job has done: read by the progress bar every second."""

    allowed_roles = MANAGERS

    def get(self, request, pk):
        batch = get_object_or_404(consortium_batches(self.request), pk=pk)
        return JsonResponse(titre_selectors.batch_progress(batch).as_dict())


class BatchActionView(RoleRequiredMixin, View):
    allowed_roles = MANAGERS
    http_method_names = ["post"]

    def act(self, batch) -> str:
        raise NotImplementedError

    def post(self, request, pk):
        batch = get_object_or_404(consortium_batches(self.request), pk=pk)
        try:
            message = self.act(batch)
        except ValidationError as error:
            refusal_messages(request, error)
            return HttpResponseRedirect(batch.get_absolute_url())
        messages.success(request, message)
        return HttpResponseRedirect(self.redirect_to(batch))

    def redirect_to(self, batch) -> str:
        return batch.get_absolute_url()


class BatchIssueView(BatchActionView):
    """Nothing irreversible on a single click: the first POST shows what issuing will do (count,
    total, numbers, e-mails); the POST from that page, with `confirmed`, issues."""

    def post(self, request, pk):
        if request.POST.get("confirmed") == "1":
            return super().post(request, pk)
        batch = get_object_or_404(consortium_batches(self.request), pk=pk)
        summary = confirmations.batch_issue_summary(batch)
        return TemplateResponse(request, "billing/batch_issue_confirm.html", {"summary": summary})

    def act(self, batch) -> str:
        batch = titres.batch_issue(batch=batch, user=self.request.user)
        return _("%(batch)s : titres numérotés ; PDF et envois en cours.") % {"batch": batch}


class BatchResumeView(BatchActionView):
    """Queue the batch's job again (after a failed send, say): it only does what is missing."""

    def act(self, batch) -> str:
        titres.batch_resume(batch=batch)
        return _("Production et envoi relancés : seul ce qui manque sera fait.")


class BatchDeleteView(BatchActionView):
    def act(self, batch) -> str:
        titres.batch_delete(batch=batch)
        return _("Le bordereau en préparation et ses brouillons ont été supprimés.")

    def redirect_to(self, batch) -> str:
        return reverse("billing:titre_list")
