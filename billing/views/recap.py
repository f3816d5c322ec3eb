"""The annual recap: a summary, the distribution a page at a time, its XLSX (built by a task
for a large year, with a progress bar) and its PDF."""

from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.generic import TemplateView, View

from billing import charts, recap_export, recap_totals
from billing.forms import RecapRowsForm
from billing.recap import recap_for
from billing.recap_totals import BY_PARTNER, BY_TENANT
from billing.services.recap_exports import current_export, recap_export_request
from billing.views.common import BILLING_READERS, fiscal_year_or_404
from ligeris.lib.permissions import RoleRequiredMixin
from partners.models import Partner

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pool_chart(summary: recap_totals.Summary, name: str) -> list[dict]:
    """One chart of the totals by pool: the rows the summary shows."""
    bars = [
        {"label": p.label, "budget": p.billed, "actual": p.actual or 0} for p in summary.by_pool
    ]
    if not bars:
        return []
    chart = {"code": "postes", "name": name, "bars": bars}
    return charts.laid_out([chart], with_actual=summary.runs.has_actual)


class RecapView(RoleRequiredMixin, TemplateView):
    """Totals by pool and by key, to the cent; a partner user's own lines and chart."""

    allowed_roles = BILLING_READERS
    template_name = "billing/recap.html"

    def get_context_data(self, **kwargs):
        fiscal_year = fiscal_year_or_404(self.request, self.kwargs["year"])
        runs = recap_totals.runs_for(fiscal_year, self.request.user)
        summary = recap_totals.summary(runs)
        context = {
            **super().get_context_data(**kwargs),
            "year": fiscal_year,
            "summary": summary,
            "geometry": charts.GEOMETRY,
            "is_staff_role": runs.own_partner is None,
            "large": summary.shares > recap_export.large_rows(),
        }
        if runs.own_partner is None:
            context["charts"] = _pool_chart(summary, fiscal_year.consortium.short_name)
        else:
            # Its own lines: the first page of them (a partner holds a few tenants), its chart.
            context["distribution"] = recap_totals.distribution(runs)
            own = recap_totals.distribution(runs, view=BY_PARTNER)
            context["charts"] = charts.laid_out(own.charts, with_actual=runs.has_actual)
        return context


class RecapRowsView(RoleRequiredMixin, TemplateView):
    """The full distribution, 50 rows a page, by tenant or by paying partner, filtered by a
    search and a pool; the totals are those of every row kept, the charts the page's."""

    allowed_roles = BILLING_READERS
    template_name = "billing/recap_rows.html"

    def _partner_filter(self, runs) -> Partner | None:
        value = self.request.GET.get("partenaire")
        if not value:
            return None
        if not value.isdigit() or (runs.own_partner is not None and int(value) != runs.own_partner):
            raise Http404
        partner = Partner.objects.filter(consortium=runs.fiscal_year.consortium, pk=value).first()
        if partner is None:
            raise Http404
        return partner

    def get_context_data(self, **kwargs):
        fiscal_year = fiscal_year_or_404(self.request, self.kwargs["year"])
        runs = recap_totals.runs_for(fiscal_year, self.request.user)
        partner = self._partner_filter(runs)
        form = RecapRowsForm(self.request.GET or None, pools=recap_totals.visible_pools(runs))
        filters = form.cleaned_data if form.is_valid() else {}
        view = BY_PARTNER if filters.get("vue") == BY_PARTNER else BY_TENANT
        distribution = recap_totals.distribution(
            runs,
            view=view,
            page_number=self.request.GET.get("page"),
            search=filters.get("q", ""),
            pool=filters.get("poste", ""),
            partner_id=partner.pk if partner else None,
        )
        return {
            **super().get_context_data(**kwargs),
            "year": fiscal_year,
            "runs": runs,
            "form": form,
            "partner": partner,
            "distribution": distribution,
            "charts": charts.laid_out(distribution.charts, with_actual=runs.has_actual),
            "geometry": charts.GEOMETRY,
        }


def _xlsx_response(data: bytes, year: int) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="recapitulatif-{year}.xlsx"'
    return response


class RecapXlsxView(RoleRequiredMixin, View):
    """A small year's workbook at once; a large one's once its task has stored it, else the
    page that asks for it and follows its progress."""

    allowed_roles = BILLING_READERS

    def get(self, request, year):
        fiscal_year = fiscal_year_or_404(self.request, year)
        runs = recap_totals.runs_for(fiscal_year, request.user)
        if not recap_export.is_large(runs):
            return _xlsx_response(recap_export.build_xlsx(runs), year)
        export = current_export(runs)
        if export is None or export.done_at is None:
            return HttpResponseRedirect(reverse("billing:recap_export", args=[year]))
        export.refresh_from_db(fields=["xlsx"])
        return _xlsx_response(bytes(export.xlsx), year)


class RecapExportView(RoleRequiredMixin, TemplateView):
    """A large year's workbook: asked for (POST), then its progress bar and its link."""

    allowed_roles = BILLING_READERS
    template_name = "billing/recap_export.html"

    def get_context_data(self, **kwargs):
        fiscal_year = fiscal_year_or_404(self.request, self.kwargs["year"])
        runs = recap_totals.runs_for(fiscal_year, self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "year": fiscal_year,
            "export": current_export(runs),
        }

    def post(self, request, year):
        recap_export_request(fiscal_year=fiscal_year_or_404(self.request, year), user=request.user)
        return HttpResponseRedirect(reverse("billing:recap_export", args=[year]))


class RecapExportProgressView(RoleRequiredMixin, View):
    """How far the workbook's task is: read by the progress bar every second."""

    allowed_roles = BILLING_READERS

    def get(self, request, year):
        runs = recap_totals.runs_for(fiscal_year_or_404(self.request, year), request.user)
        export = current_export(runs)
        if export is None:  # not asked yet
            return JsonResponse({"percent": 0, "done": False, "asked": False})
        return JsonResponse({**export.as_dict(), "asked": True})


class RecapPdfView(RoleRequiredMixin, View):
    """The full recap for a small year; for a large one its summary only (a PDF of 3,000 rows
    and 2,000 charts is no one's reading; the XLSX has every row)."""

    allowed_roles = BILLING_READERS

    def get(self, request, year):
        # WeasyPrint is heavy and chatty at import: loaded when a PDF is asked for, not at start-up.
        from ligeris.lib.pdf import render_pdf

        fiscal_year = fiscal_year_or_404(self.request, year)
        runs = recap_totals.runs_for(fiscal_year, request.user)
        if recap_export.is_large(runs):
            summary = recap_totals.summary(runs)
            context = {
                "summary": summary,
                "year": fiscal_year,
                "charts": _pool_chart(summary, fiscal_year.consortium.short_name),
                "geometry": charts.GEOMETRY,
            }
            pdf = render_pdf("billing/recap_summary_pdf.html", context)
        else:
            recap = recap_for(fiscal_year, request.user)
            context = {
                "recap": recap,
                "charts": charts.partner_charts(recap),
                "geometry": charts.GEOMETRY,
            }
            pdf = render_pdf("billing/recap_pdf.html", context)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="recapitulatif-{year}.pdf"'
        return response
