"""Volumes, allocation runs, shares and their explanations, true-up and the annual recap."""

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView, View
from django_tables2 import SingleTableMixin, SingleTableView

from billing import (
    confirmations,
    order_selectors,
    run_groups,
    selectors,
    titre_plan,
    trueup_totals,
)
from billing.forms import RunForm, VolumeForm, VolumeUploadForm
from billing.models import AllocationKey, RunKind, StorageVolume, VolumeImport
from billing.services import runs, volumes
from billing.tables import ShareTable, VolumeTable
from billing.views.common import BILLING_READERS, fiscal_year_or_404
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, STAFF, role_of
from ligeris.lib.views import ServiceFormMixin, TableExportMixin
from partners.consortia import request_consortium, request_consortium_or_404
from titres import remaining, titre_selectors

#: Valid rows shown in the preview (every row in error is always shown).
PREVIEW_VALID_ROWS = 50


class VolumeListView(RoleRequiredMixin, TableExportMixin, SingleTableView):
    allowed_roles = MANAGERS
    table_class = VolumeTable
    template_name = "billing/volume_list.html"
    paginate_by = 50
    export_name = "volumetrie"

    def get_queryset(self):
        return StorageVolume.objects.filter(
            tenant__consortium=request_consortium_or_404(self.request)
        ).select_related("tenant", "source")


class VolumeCreateView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """One reading typed in by hand; `?date=AAAA-MM-JJ&tenant=<id>` fill the form in."""

    allowed_roles = MANAGERS
    form_class = VolumeForm
    template_name = "partners/form.html"
    success_message = _("Le relevé de volumétrie a été enregistré.")
    extra_context = {"title": _("Saisir un relevé de volumétrie")}

    def get_initial(self):
        initial = {}
        day = self.request.GET.get("date", "")
        with contextlib.suppress(ValueError):
            initial["measured_on"] = datetime.date.fromisoformat(day)
        tenant = self.request.GET.get("tenant", "")
        if tenant.isascii() and tenant.isdigit():
            initial["tenant"] = int(tenant)
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "consortium": request_consortium_or_404(self.request)}

    def get_context_data(self, **kwargs):
        cancel_url = reverse("billing:volume_list")
        return {**super().get_context_data(**kwargs), "cancel_url": cancel_url}

    def reading(self) -> StorageVolume:
        return StorageVolume()

    def perform(self, form):
        return volumes.volume_save(
            volume=self.reading(),
            consortium=request_consortium_or_404(self.request),
            **form.cleaned_data,
        )

    def get_success_url(self):
        return reverse("billing:volume_list")


class VolumeUpdateView(VolumeCreateView):
    extra_context = {"title": _("Corriger un relevé de volumétrie")}

    @cached_property
    def volume(self) -> StorageVolume:
        return get_object_or_404(
            StorageVolume.objects.select_related("tenant"),
            pk=self.kwargs["pk"],
            tenant__consortium=request_consortium_or_404(self.request),
        )

    def get_initial(self):
        volume = self.volume
        return {
            "tenant": volume.tenant_id,
            "measured_on": volume.measured_on,
            "quantity": f"{volume.gigabytes.normalize():f}".replace(".", ","),
            "unit": "Go",
        }

    def reading(self) -> StorageVolume:
        return StorageVolume.objects.get(pk=self.volume.pk)


class VolumeImportView(RoleRequiredMixin, FormView):
    """Upload: the preview lists every row in error; a valid file waits for confirmation."""

    allowed_roles = MANAGERS
    form_class = VolumeUploadForm
    template_name = "billing/volume_import.html"

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        volume_import, parsed = volumes.volume_import_preview(
            consortium=request_consortium_or_404(self.request),
            file_name=upload.name,
            data=upload.read(),
            user=self.request.user,
        )
        context = self.get_context_data(
            form=form,
            parsed=parsed,
            volume_import=volume_import,
            rows_in_error=parsed.rows_in_error,
            valid_rows=[r for r in parsed.rows if not r.errors][:PREVIEW_VALID_ROWS],
            valid_count=sum(1 for r in parsed.rows if not r.errors),
        )
        return self.render_to_response(context, status=200 if volume_import else 422)


class VolumeImportApplyView(RoleRequiredMixin, View):
    allowed_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, pk):
        volume_import = get_object_or_404(
            VolumeImport, pk=pk, consortium=request_consortium_or_404(self.request)
        )
        try:
            count = volumes.volume_import_apply(volume_import=volume_import)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(reverse("billing:volume_import"))
        messages.success(request, _("%(count)s relevés importés.") % {"count": count})
        return HttpResponseRedirect(reverse("billing:volume_list"))


class RunCreateView(RoleRequiredMixin, View):
    allowed_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, year):
        fiscal_year = fiscal_year_or_404(self.request, year)
        form = RunForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choisissez la nature de la répartition."))
            return HttpResponseRedirect(fiscal_year.get_absolute_url())
        kind = form.cleaned_data["kind"]
        warning = confirmations.actual_run_warning(fiscal_year) if kind == RunKind.ACTUAL else ""
        if warning and request.POST.get("confirmed") != "1":
            context = {"fiscal_year": fiscal_year, "warning": warning, "kind": kind}
            return TemplateResponse(request, "billing/run_actual_confirm.html", context)
        try:
            run = runs.run_create(fiscal_year=fiscal_year, kind=kind, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(fiscal_year.get_absolute_url())
        messages.success(request, _("Répartition calculée : %(run)s.") % {"run": run})
        return HttpResponseRedirect(run.get_absolute_url())


class RunDetailView(RoleRequiredMixin, TableExportMixin, SingleTableMixin, DetailView):
    allowed_roles = MANAGERS
    template_name = "billing/run_detail.html"
    context_object_name = "run"
    table_class = ShareTable
    # The page shows the shares grouped by debtor (`run_groups`); the flat table is the export.
    table_pagination = False

    def get_queryset(self):
        return selectors.runs_with_pools(request_consortium_or_404(self.request))

    def get_table_data(self):
        return self.object.shares.select_related("tenant", "partner")

    def get_context_data(self, **kwargs):
        keys = dict(AllocationKey.choices)
        pools = [
            {**pool, "key_label": keys.get(pool["key"], pool["key"])}
            for pool in self.object.input_pools
        ]
        by_debtor = run_groups.run_by_debtor(self.object, self.request.GET.get("page") or 1)
        return {
            **super().get_context_data(**kwargs),
            "pools": pools,
            "by_debtor": by_debtor,
            # One reverse() a page, not one a share: the link is this prefix and the share's id.
            "share_url_prefix": reverse("billing:share_detail", args=[0]).removesuffix("0/"),
        }

    def get_export_filename(self, export_format):
        run = self.object
        return f"quotes-parts-{run.fiscal_year.year}-{run.kind}-v{run.version}.{export_format}"


class ShareDetailView(RoleRequiredMixin, DetailView):
    """A share's explanation: its pool, key, base, weight and amount, and the run's inputs."""

    allowed_roles = BILLING_READERS
    template_name = "billing/share_detail.html"
    context_object_name = "share"

    def get_queryset(self):
        return selectors.shares_visible_to(self.request.user, request_consortium(self.request))

    def get_context_data(self, **kwargs):
        share = self.object
        pool = next((p for p in share.run.inputs["pools"] if p["code"] == share.pool_code), {})
        tenant = None
        if share.tenant_id:
            tenant = next(
                (t for t in share.run.inputs["tenants"] if t["code"] == share.tenant.code), None
            )
        if tenant:
            tenant = {**tenant, "opened_on": datetime.date.fromisoformat(tenant["opened_on"])}
        return {
            **super().get_context_data(**kwargs),
            "pool_input": pool,
            "tenant_input": tenant,
            "weight_percent": share.weight * 100,
            "is_staff_role": role_of(self.request.user) in STAFF,
        }


class MySharesView(RoleRequiredMixin, SingleTableMixin, TemplateView):
    """The shares a user may see in the latest budget and actual runs of each year."""

    allowed_roles = BILLING_READERS
    template_name = "billing/my_shares.html"
    table_class = ShareTable
    table_pagination = {"per_page": 100}

    @cached_property
    def runs(self) -> list:
        return selectors.shown_runs(request_consortium_or_404(self.request))

    def get_table_data(self):
        consortium = request_consortium_or_404(self.request)
        return selectors.shares_visible_to(self.request.user, consortium).filter(run__in=self.runs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "runs": self.runs,
            "years": selectors.fiscal_years(request_consortium_or_404(self.request)),
            "orders": order_selectors.issued_orders_with_charges(self.request.user),
        }


#: The titres of an established true-up listed a page at a time (one a debtor and tenant).
ESTABLISHED_PER_PAGE = 50


class TrueUpView(RoleRequiredMixin, TemplateView):
    """Actual − billed per pool and tenant, and what each debtor will get: a complementary titre,
    a reduction titre of its annual titre, or a carry-over onto its next titres."""

    allowed_roles = MANAGERS
    template_name = "billing/trueup.html"

    def get_context_data(self, **kwargs):
        fiscal_year = fiscal_year_or_404(self.request, self.kwargs["year"])
        billed = selectors.billed_run(fiscal_year)
        actual = selectors.latest_run(fiscal_year, RunKind.ACTUAL)
        settings = titre_selectors.settings_of(fiscal_year.consortium)
        net = bool(settings and settings.one_net_titre_per_debtor)
        context = {
            **super().get_context_data(**kwargs),
            "year": fiscal_year,
            "billed": billed,
            "actual": actual,
            "net_setting": net,
            "carryovers": remaining.carryovers_pending(fiscal_year.consortium),
        }
        if not (billed and actual):
            return context
        # Totals summed by the database over every debtor; lines and plans for a page of them.
        totals = trueup_totals.totals(billed, actual)
        page = trueup_totals.debtors_page(
            billed, actual, totals.debtors, self.request.GET.get("page") or 1
        )
        ids = page.object_list
        lines = titre_plan.trueup_lines(billed, actual, ids)
        groups = run_groups.true_up_by_debtor(
            [line for line in lines if line.direction != "none"]
        ).groups
        established = actual.titres.select_related("debtor", "tenant", "batch").defer("snapshot")
        established_page = Paginator(established.order_by("pk"), ESTABLISHED_PER_PAGE).get_page(
            self.request.GET.get("titres") or 1
        )
        plans = []
        if billed.locked_at and not established_page.paginator.count:
            plans = titre_plan.trueup_plans(billed, actual, net=net, lines=lines)
        return {
            **context,
            "totals": totals,
            "debtors_page": page,
            "groups": groups,
            "plans": plans,
            "established": established_page,
        }
