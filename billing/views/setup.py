"""Fiscal years, tariff grids, cost pools, expenses and staff time: finance staff only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, FormView, TemplateView, UpdateView, View
from django.views.generic.edit import CreateView

from billing import selectors
from billing.forms import (
    CostPoolForm,
    ExpenseForm,
    FiscalYearForm,
    GridCopyForm,
    RunForm,
    StaffTimeForm,
    TariffLineForm,
)
from billing.models import AllocationKey, CostPool, Expense, StaffTime, TariffLine
from billing.services import costs, grids
from billing.views.common import fiscal_year_or_404
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS
from ligeris.lib.views import ServiceFormMixin, add_service_errors
from partners.consortia import RequestConsortiumMixin, request_consortium_or_404

FORM_TEMPLATE = "partners/form.html"


class IndexView(RoleRequiredMixin, TemplateView):
    allowed_roles = MANAGERS
    template_name = "billing/index.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "years": selectors.fiscal_years(request_consortium_or_404(self.request)),
        }


class FiscalYearCreateView(RoleRequiredMixin, FormView):
    allowed_roles = MANAGERS
    form_class = FiscalYearForm
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Nouvel exercice")}

    def form_valid(self, form):
        try:
            year = grids.fiscal_year_create(
                consortium=request_consortium_or_404(self.request), year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("L'exercice a été créé avec sa grille tarifaire."))
        return HttpResponseRedirect(year.get_absolute_url())


#: Tenants without a reading named on the year page; the others are counted.
MISSING_SHOWN = 50


class FiscalYearDetailView(RoleRequiredMixin, TemplateView):
    allowed_roles = MANAGERS
    template_name = "billing/year_detail.html"

    def get_context_data(self, **kwargs):
        year = fiscal_year_or_404(self.request, self.kwargs["year"])
        day_rate, cap = selectors.grid_rates(year.grid)
        missing = selectors.tenants_without_volume(year)
        return {
            **super().get_context_data(**kwargs),
            "year": year,
            "grid": year.grid,
            "lines": year.grid.lines.order_by("kind", "code"),
            "day_rate": day_rate,
            "cap": cap,
            "pools": selectors.pool_amounts(year),
            # Counted, and the first tenants without a reading: not 3,000 rows for two facts.
            "volume_count": selectors.volumes_on(year).count(),
            "missing_volumes": missing[:MISSING_SHOWN],
            "missing_count": missing.count(),
            "runs": selectors.runs_of(year).select_related("fiscal_year").defer("inputs"),
            "run_form": RunForm(),
        }


class _YearChildMixin:
    @cached_property
    def fiscal_year(self):
        return fiscal_year_or_404(self.request, self.kwargs["year"])

    def get_success_url(self):
        return self.fiscal_year.get_absolute_url()

    def get_context_data(self, **kwargs):
        cancel_url = self.fiscal_year.get_absolute_url()
        return {**super().get_context_data(**kwargs), "cancel_url": cancel_url}


class TariffLineCreateView(RoleRequiredMixin, _YearChildMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = TariffLineForm
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Nouvelle ligne de la grille tarifaire")}
    success_message = _("La ligne de la grille a été enregistrée.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": TariffLine(grid=self.fiscal_year.grid)}

    def perform(self, form):
        return grids.tariff_line_save(
            line=TariffLine(grid=self.fiscal_year.grid), **form.cleaned_data
        )


class _InConsortiumMixin(RequestConsortiumMixin):
    """An object of the request's consortium's fiscal years; another consortium's is not found."""

    def get_queryset(self):
        return selectors.in_consortium(super().get_queryset(), self.consortium)


class TariffLineUpdateView(RoleRequiredMixin, _InConsortiumMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = TariffLineForm
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Modifier la ligne de la grille tarifaire")}
    success_message = _("La ligne de la grille a été enregistrée.")
    queryset = TariffLine.objects.select_related("grid__fiscal_year")

    def perform(self, form):
        return grids.tariff_line_save(line=self.get_object(), **form.cleaned_data)

    def get_success_url(self):
        return self.object.grid.fiscal_year.get_absolute_url()


class GridCopyView(RoleRequiredMixin, _YearChildMixin, FormView):
    allowed_roles = MANAGERS
    form_class = GridCopyForm
    template_name = FORM_TEMPLATE

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "grid": self.fiscal_year.grid}

    def get_context_data(self, **kwargs):
        title = _("Reprendre la grille %(year)s pour %(next)s") % {
            "year": self.fiscal_year.year,
            "next": self.fiscal_year.year + 1,
        }
        return {**super().get_context_data(**kwargs), "title": title}

    def form_valid(self, form):
        try:
            grid = grids.grid_copy_to_next_year(
                grid=self.fiscal_year.grid,
                rate=form.cleaned_data["rate"],
                line_rates=form.line_rates(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("La grille de l'exercice suivant a été créée."))
        return HttpResponseRedirect(grid.fiscal_year.get_absolute_url())


class CostPoolCreateView(RoleRequiredMixin, _YearChildMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = CostPoolForm
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Nouveau poste de coût")}
    success_message = _("Le poste de coût a été enregistré.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": CostPool(fiscal_year=self.fiscal_year),
            "consortium": self.fiscal_year.consortium,
        }

    def perform(self, form):
        return costs.pool_save(pool=CostPool(fiscal_year=self.fiscal_year), **form.cleaned_data)


class CostPoolUpdateView(RoleRequiredMixin, _InConsortiumMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = CostPoolForm
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Modifier le poste de coût")}
    success_message = _("Le poste de coût a été enregistré.")
    queryset = CostPool.objects.select_related("fiscal_year__consortium")

    def get_form_kwargs(self):
        consortium = self.object.fiscal_year.consortium
        return {**super().get_form_kwargs(), "consortium": consortium}

    def perform(self, form):
        return costs.pool_save(pool=self.get_object(), **form.cleaned_data)

    def get_success_url(self):
        return reverse("billing:pool_detail", args=[self.object.pk])


class CostPoolDetailView(RoleRequiredMixin, _InConsortiumMixin, DetailView):
    allowed_roles = MANAGERS
    template_name = "billing/pool_detail.html"
    context_object_name = "pool"
    queryset = CostPool.objects.select_related("fiscal_year", "direct_tenant", "direct_partner")

    def get_context_data(self, **kwargs):
        pool = self.object
        amounts = next(a for a in selectors.pool_amounts(pool.fiscal_year) if a.pool.pk == pool.pk)
        return {
            **super().get_context_data(**kwargs),
            "amounts": amounts,
            "expenses": pool.expenses.order_by("invoice_date", "pk"),
            "staff_times": pool.staff_times.order_by("period_end", "pk"),
            "is_staff_time": pool.key == AllocationKey.STAFF_TIME,
        }


class _PoolChildMixin(RequestConsortiumMixin):
    @cached_property
    def pool(self):
        pools = CostPool.objects.select_related("fiscal_year")
        return get_object_or_404(
            selectors.in_consortium(pools, self.consortium), pk=self.kwargs["pk"]
        )

    def get_success_url(self):
        return reverse("billing:pool_detail", args=[self.pool.pk])

    def get_context_data(self, **kwargs):
        title = self.title % {"pool": self.pool.label}
        cancel_url = self.get_success_url()
        return {**super().get_context_data(**kwargs), "title": title, "cancel_url": cancel_url}


class ExpenseCreateView(RoleRequiredMixin, _PoolChildMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = ExpenseForm
    template_name = FORM_TEMPLATE
    title = _("Nouvelle dépense sur « %(pool)s »")
    success_message = _("La dépense a été enregistrée.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Expense(pool=self.pool)}

    def perform(self, form):
        return costs.expense_save(expense=Expense(pool=self.pool), **form.cleaned_data)


class StaffTimeCreateView(RoleRequiredMixin, _PoolChildMixin, ServiceFormMixin, CreateView):
    allowed_roles = MANAGERS
    form_class = StaffTimeForm
    template_name = FORM_TEMPLATE
    title = _("Déclarer du temps RH sur « %(pool)s »")
    success_message = _("Le temps RH a été enregistré.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": StaffTime(pool=self.pool)}

    def perform(self, form):
        return costs.staff_time_save(staff_time=StaffTime(pool=self.pool), **form.cleaned_data)


class StaffTimeUpdateView(RoleRequiredMixin, _InConsortiumMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = StaffTimeForm
    template_name = FORM_TEMPLATE
    success_message = _("Le temps RH a été enregistré.")
    queryset = StaffTime.objects.select_related("pool__fiscal_year")

    def perform(self, form):
        return costs.staff_time_save(staff_time=self.get_object(), **form.cleaned_data)

    def get_success_url(self):
        return reverse("billing:pool_detail", args=[self.object.pool_id])

    def get_context_data(self, **kwargs):
        title = _("Modifier le temps RH déclaré sur « %(pool)s »") % {
            "pool": self.object.pool.label
        }
        cancel_url = reverse("billing:pool_detail", args=[self.object.pool_id])
        return {**super().get_context_data(**kwargs), "title": title, "cancel_url": cancel_url}


class ExpenseUpdateView(RoleRequiredMixin, _InConsortiumMixin, ServiceFormMixin, UpdateView):
    allowed_roles = MANAGERS
    form_class = ExpenseForm
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Modifier la dépense")}
    success_message = _("La dépense a été enregistrée.")
    queryset = Expense.objects.select_related("pool__fiscal_year")

    def perform(self, form):
        return costs.expense_save(expense=self.get_object(), **form.cleaned_data)

    def get_success_url(self):
        return reverse("billing:pool_detail", args=[self.object.pool_id])


class _DeleteView(RoleRequiredMixin, RequestConsortiumMixin, View):
    """POST-only removal through a service; a refusal comes back as a message."""

    allowed_roles = MANAGERS
    http_method_names = ["post"]
    success_message = ""

    def remove(self, pk) -> str:
        """Remove the object; return the URL to go back to."""
        raise NotImplementedError

    def post(self, request, pk):
        try:
            url = self.remove(pk)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(self.back_url)
        messages.success(request, self.success_message)
        return HttpResponseRedirect(url)


class ExpenseDeleteView(_DeleteView):
    success_message = _("La dépense a été supprimée.")

    def remove(self, pk) -> str:
        expenses = selectors.in_consortium(Expense.objects.all(), self.consortium)
        expense = get_object_or_404(expenses, pk=pk)
        self.back_url = reverse("billing:pool_detail", args=[expense.pool_id])
        costs.expense_delete(expense=expense)
        return self.back_url


class StaffTimeDeleteView(_DeleteView):
    success_message = _("Le temps RH déclaré a été supprimé.")

    def remove(self, pk) -> str:
        staff_times = selectors.in_consortium(StaffTime.objects.all(), self.consortium)
        staff_time = get_object_or_404(staff_times, pk=pk)
        self.back_url = reverse("billing:pool_detail", args=[staff_time.pool_id])
        costs.staff_time_delete(staff_time=staff_time)
        return self.back_url


class TariffLineDeleteView(_DeleteView):
    success_message = _("La ligne de la grille a été supprimée.")

    def remove(self, pk) -> str:
        lines = TariffLine.objects.select_related("grid__fiscal_year")
        line = get_object_or_404(selectors.in_consortium(lines, self.consortium), pk=pk)
        self.back_url = line.grid.fiscal_year.get_absolute_url()
        grids.tariff_line_delete(line=line)
        return self.back_url
