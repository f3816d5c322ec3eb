"""Titres de recette: list, settings, a titre's page and PDF, overdue list and partner downloads
(batches are in `batches`, the forms posted from a titre's page in `titre_forms`)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView, UpdateView, View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from billing.filters import TitreFilter
from billing.forms import (
    CorrectionForm,
    PaymentForm,
    RefundForm,
    TitreSettingsForm,
)
from billing.services import titres
from billing.tables import TitreTable
from billing.views.common import BILLING_READERS
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, PARTNERS, role_of
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import request_consortium_or_404
from titres import overdue, titre_selectors
from titres.models import (
    CHARGING_KINDS,
    RevenueTitle,
    TitreBatch,
    TitreDocument,
    TitreEmail,
    TitreSettings,
    TitreState,
)


def refusal_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def consortium_batches(request):
    return TitreBatch.objects.filter(
        fiscal_year__consortium=request_consortium_or_404(request)
    ).select_related("fiscal_year", "created_by", "issued_by")


class TitreListView(RoleRequiredMixin, SingleTableMixin, FilterView):
    """Every titre of the consortium with its balance, filterable; the batches beside them."""

    allowed_roles = MANAGERS
    template_name = "billing/titre_list.html"
    table_class = TitreTable
    filterset_class = TitreFilter
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        consortium = request_consortium_or_404(self.request)
        titres = titre_selectors.titres_visible_to(self.request.user).filter(consortium=consortium)
        return titre_selectors.listed(titres)

    def get_context_data(self, **kwargs):
        consortium = request_consortium_or_404(self.request)
        settings = titre_selectors.settings_of(consortium)
        return {
            **super().get_context_data(**kwargs),
            "batches": consortium_batches(self.request)[:20],
            "settings": settings,
            # A number above the table: counted in SQL, the list is on the overdue page.
            "flag_count": overdue.late_debtor_count(
                consortium, overdue.exclusion_cutoff(settings, timezone.localdate())
            ),
        }


class TitreSettingsView(RoleRequiredMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = TitreSettingsForm
    template_name = "partners/form.html"
    success_message = _("Les paramètres des titres ont été enregistrés.")
    extra_context = {"title": _("Paramètres des titres de recette")}

    def get_object(self, queryset=None):
        consortium = request_consortium_or_404(self.request)
        return titre_selectors.settings_of(consortium) or TitreSettings(consortium=consortium)

    def perform(self, form):
        return titres.settings_save(
            consortium=request_consortium_or_404(self.request), **form.cleaned_data
        )

    def get_success_url(self):
        return reverse("billing:titre_list")


class TitreRecoveryView(RoleRequiredMixin, View):
    """Below the threshold: recover anyway (`recover=1`) or not at all (`recover=0`)."""

    allowed_roles = MANAGERS
    http_method_names = ["post"]

    def post(self, request, pk):
        titre = get_object_or_404(
            RevenueTitle,
            pk=pk,
            consortium=request_consortium_or_404(self.request),
            state__in=["draft", "waived"],
        )
        recover = request.POST.get("recover") == "1"
        try:
            titres.titre_decide_recovery(titre=titre, recover=recover)
        except ValidationError as error:
            refusal_messages(request, error)
        return HttpResponseRedirect(titre.batch.get_absolute_url())


class TitreDetailView(RoleRequiredMixin, DetailView):
    """A titre's breakdown, payments and corrections; partners reach only their own issued ones."""

    allowed_roles = BILLING_READERS
    template_name = "billing/titre_detail.html"
    context_object_name = "titre"

    def get_queryset(self):
        return titre_selectors.titres_visible_to(self.request.user).filter(
            consortium=request_consortium_or_404(self.request)
        )

    def get_context_data(self, **kwargs):
        titre = self.object
        is_manager = role_of(self.request.user) in MANAGERS
        can_correct = (
            is_manager and titre.is_issued and titre.kind in CHARGING_KINDS and titre.net > 0
        )
        corrections = titre_selectors.with_balance(
            titre.corrections.filter(state=TitreState.ISSUED)
        ).order_by("number")
        settlement = (titre.snapshot or {}).get("settlement")
        context = {
            **super().get_context_data(**kwargs),
            "status": titre_selectors.status_of(titre),
            "lines": titre.lines.all(),
            "payments": titre.payments.select_related("recorded_by", "reversal"),
            "refunds": titre.refunds.select_related("recorded_by"),
            "settlement_refund": Decimal(settlement["refund"]) if settlement else None,
            "corrections": corrections,
            "is_manager": is_manager,
            "document": TitreDocument.objects.filter(titre=titre).only("sha256", "size").first(),
            "emails": TitreEmail.objects.filter(titre=titre) if is_manager else [],
        }
        if can_correct:
            # Two forms on one page: their own ids, never two `id_amount`.
            context["correction_form"] = CorrectionForm(
                titre=titre,
                initial={"issue_date": timezone.localdate()},
                auto_id="id_correction_%s",
            )
        can_settle = is_manager and titre.is_issued and titre.kind in CHARGING_KINDS
        if can_settle and titre.balance > 0:
            context["payment_form"] = PaymentForm(
                initial={"paid_on": timezone.localdate(), "amount": titre.balance},
                auto_id="id_payment_%s",
            )
        if can_settle and titre.to_refund > 0:
            context["refund_form"] = RefundForm(
                initial={"paid_on": timezone.localdate(), "amount": titre.to_refund},
                auto_id="id_refund_%s",
            )
        context["can_reverse"] = can_settle
        return context


class TitrePdfView(RoleRequiredMixin, View):
    """The stored PDF, as issued and hashed; `?pdfa=1` renders the PDF/A-3b variant from the same
    frozen mentions."""

    allowed_roles = BILLING_READERS

    def get(self, request, pk):
        titre = get_object_or_404(
            titre_selectors.titres_visible_to(request.user).filter(
                consortium=request_consortium_or_404(self.request), state=TitreState.ISSUED
            ),
            pk=pk,
        )
        if request.GET.get("pdfa") == "1":
            from titres.titre_pdf import PDFA, render_titre  # Typst: loaded when asked

            pdf, name = render_titre(titre, variant=PDFA), f"titre-{titre.reference}-pdfa.pdf"
        else:
            document = TitreDocument.objects.filter(titre=titre).first()
            if document is None:
                raise Http404(_("Le PDF de ce titre est en cours de production."))
            pdf, name = bytes(document.pdf), f"titre-{titre.reference}.pdf"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response


FLAGS_PER_PAGE = 50


class OverdueView(RoleRequiredMixin, SingleTableMixin, TemplateView):
    """Unpaid titres past their due date, and the partners to flag for the exclusion procedure:
    both from the overdue set read once (`titres.overdue`)."""

    allowed_roles = MANAGERS
    template_name = "billing/overdue.html"
    table_class = TitreTable
    table_pagination = {"per_page": 50}

    def get(self, request, *args, **kwargs):
        self.consortium = request_consortium_or_404(self.request)
        self.today = timezone.localdate()
        self.rows = overdue.overdue_rows(self.consortium, self.today)
        return super().get(request, *args, **kwargs)

    def get_table_data(self):
        return overdue.OverdueTableData(self.rows)

    def get_table_kwargs(self):
        return {"orderable": False}  # in due order: sorting would read every titre

    def get_context_data(self, **kwargs):
        settings = titre_selectors.settings_of(self.consortium)
        cutoff = overdue.exclusion_cutoff(settings, self.today)
        paginator = Paginator(overdue.late_debtors(self.rows, cutoff), FLAGS_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("signalements"))
        flags = titre_selectors.exclusion_flags(
            self.consortium, self.today, debtors=page.object_list
        )
        return {
            **super().get_context_data(**kwargs),
            "flags": flags,
            "flags_page": page,
            "settings": settings,
        }


class MyTitresView(RoleRequiredMixin, SingleTableMixin, TemplateView):
    """A partner's issued titres with their status, balance and due date."""

    allowed_roles = PARTNERS
    template_name = "billing/my_titres.html"
    table_class = TitreTable
    table_pagination = {"per_page": 50}

    def get_table_data(self):
        return titre_selectors.titres_visible_to(self.request.user).order_by("-exercise", "-number")
