"""Purchase orders: the partner drafts, submits or withdraws its own; finance staff issue them,
send them back or refuse them, and set the year's ordering period. Views stay thin: every write
is a service of `billing.services.orders` / `order_review`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View

from billing import order_selectors
from billing.models import OrderState, PurchaseOrder
from billing.order_forms import (
    CommentForm,
    IssueForm,
    OrderForm,
    OrderingPeriodForm,
    OrderLineFormSet,
    RefuseForm,
    SubmitForm,
)
from billing.services import order_review, orders
from billing.views.common import BILLING_READERS, fiscal_year_or_404
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS, PARTNERS, Role, role_of
from ligeris.lib.views import ServiceFormMixin, add_service_errors
from partners.consortia import request_consortium, request_consortium_or_404
from partners.selectors import tenants_visible_to
from titres.models import FiscalYear

FORM_TEMPLATE = "partners/form.html"


class OrderListView(RoleRequiredMixin, TemplateView):
    allowed_roles = BILLING_READERS
    template_name = "billing/orders/list.html"

    def get_context_data(self, **kwargs):
        orders_ = order_selectors.orders_visible_to(self.request.user).filter(
            fiscal_year__consortium=request_consortium_or_404(self.request)
        )
        return {
            **super().get_context_data(**kwargs),
            "orders": orders_.order_by("-created_at", "-pk")[:500],
            "is_partner": role_of(self.request.user) == Role.PARTNER,
        }


class OrderMixin:
    """The order named in the URL, among those the user sees (another partner's: 404)."""

    @cached_property
    def order(self) -> PurchaseOrder:
        return get_object_or_404(
            order_selectors.orders_visible_to(self.request.user).filter(
                fiscal_year__consortium=request_consortium_or_404(self.request)
            ),
            pk=self.kwargs["pk"],
        )


class OrderDetailView(RoleRequiredMixin, OrderMixin, TemplateView):
    allowed_roles = BILLING_READERS
    template_name = "billing/orders/detail.html"

    def get_context_data(self, **kwargs):
        order = self.order
        role = role_of(self.request.user)
        is_partner = role == Role.PARTNER
        lines = list(order.lines.select_related("tariff_line").order_by("position"))
        submitted = order.state == OrderState.SUBMITTED
        context = {
            **super().get_context_data(**kwargs),
            "order": order,
            "lines": lines,
            "is_partner": is_partner,
            "can_edit": is_partner and order.is_editable,
            "can_withdraw": is_partner and (order.is_editable or submitted),
            "can_review": role in MANAGERS and submitted,
        }
        if context["can_edit"]:
            context["submit_form"] = SubmitForm()
        return context


def _current_fiscal_year(request) -> FiscalYear:
    """The year a partner orders in: this year's, else the latest one finance staff opened."""
    years = FiscalYear.objects.filter(consortium=request_consortium_or_404(request))
    year = years.filter(year=timezone.localdate().year).first() or years.order_by("-year").first()
    if year is None:
        raise Http404(_("Aucun exercice n'est encore ouvert."))
    return year


class OrderEditView(RoleRequiredMixin, TemplateView):
    """The partner's order and its lines, from the grid's unit prices or free."""

    allowed_roles = PARTNERS
    template_name = "billing/orders/form.html"

    def get_order(self) -> PurchaseOrder | None:
        return None

    @cached_property
    def fiscal_year(self) -> FiscalYear:
        order = self.get_order()
        return order.fiscal_year if order else _current_fiscal_year(self.request)

    def forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        order = self.get_order()
        grid_lines = orders.unit_price_lines(self.fiscal_year)
        initial, lines = None, None
        if order is not None:
            initial = {"tenant": order.tenant_id, "reason": order.reason}
            lines = [
                {
                    "tariff_line": line.tariff_line_id,
                    "label": "" if line.tariff_line_id else line.label,
                    "quantity": line.quantity,
                }
                for line in order.lines.order_by("position")
            ]
        tenants = tenants_visible_to(self.request.user, request_consortium(self.request)).order_by(
            "code"
        )
        form = OrderForm(data, initial=initial, tenants=tenants)
        formset = OrderLineFormSet(
            data, initial=lines, prefix="lines", form_kwargs={"grid_lines": grid_lines}
        )
        return form, formset, grid_lines

    def get_context_data(self, **kwargs):
        form, formset, grid_lines = kwargs.pop("forms", None) or self.forms()
        order = self.get_order()
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "formset": formset,
            "order": order,
            "fiscal_year": self.fiscal_year,
            "no_unit_prices": not grid_lines.exists(),
            "period": getattr(self.fiscal_year, "ordering_period", None),
        }

    def post(self, request, *args, **kwargs):
        form, formset, grid_lines = self.forms()
        if form.is_valid() and formset.is_valid():
            try:
                order = orders.order_save(
                    partner=request.user.partner,
                    fiscal_year=self.fiscal_year,
                    tenant=form.cleaned_data["tenant"],
                    reason=form.cleaned_data["reason"],
                    lines=formset.lines(),
                    order=self.get_order(),
                    user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Le bon de commande est enregistré en brouillon."))
                return HttpResponseRedirect(order.get_absolute_url())
        return self.render_to_response(self.get_context_data(forms=(form, formset, grid_lines)))


class OrderCreateView(OrderEditView):
    pass


class OrderUpdateView(OrderMixin, OrderEditView):
    def get_order(self) -> PurchaseOrder:
        return self.order


class OrderFormView(RoleRequiredMixin, OrderMixin, ServiceFormMixin, FormView):
    """A step of the order posted from its page; on refusal the form shows with the errors."""

    template_name = FORM_TEMPLATE
    title = ""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": self.title % {"reference": self.order.reference},
            "cancel_url": self.order.get_absolute_url(),
        }

    def get_success_url(self):
        return self.order.get_absolute_url()


class OrderSubmitView(OrderFormView):
    allowed_roles = PARTNERS
    form_class = SubmitForm
    title = _("Soumettre le bon de commande %(reference)s au coordonnateur")
    success_message = _("Le bon de commande est soumis au coordonnateur.")

    def perform(self, form):
        return orders.order_submit(
            order=self.order,
            user=self.request.user,
            emergency_reason=form.cleaned_data["emergency_reason"],
        )


class OrderWithdrawView(RoleRequiredMixin, OrderMixin, View):
    allowed_roles = PARTNERS

    def post(self, request, *args, **kwargs):
        try:
            orders.order_withdraw(order=self.order, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Le bon de commande est retiré."))
        return HttpResponseRedirect(self.order.get_absolute_url())


class OrderIssueView(OrderFormView):
    allowed_roles = MANAGERS
    form_class = IssueForm
    title = _("Émettre le bon de commande %(reference)s")
    success_message = _("Le bon de commande est émis et imputé au partenaire.")

    def get_form_kwargs(self):
        free = self.order.lines.filter(tariff_line=None).order_by("position")
        return {**super().get_form_kwargs(), "free_lines": free}

    def perform(self, form):
        return order_review.order_issue(
            order=self.order,
            charge_on=form.cleaned_data["charge_on"],
            prices=form.prices(),
            user=self.request.user,
        )


class OrderRequestChangesView(OrderFormView):
    allowed_roles = MANAGERS
    form_class = CommentForm
    title = _("Renvoyer le bon de commande %(reference)s pour modification")
    success_message = _("Le bon de commande est renvoyé au partenaire.")

    def perform(self, form):
        return order_review.order_request_changes(
            order=self.order, comment=form.cleaned_data["comment"], user=self.request.user
        )


class OrderRefuseView(OrderFormView):
    allowed_roles = MANAGERS
    form_class = RefuseForm
    title = _("Refuser le bon de commande %(reference)s")
    success_message = _("Le bon de commande est refusé.")

    def perform(self, form):
        return order_review.order_refuse(
            order=self.order, reason=form.cleaned_data["reason"], user=self.request.user
        )


class OrderPdfView(RoleRequiredMixin, OrderMixin, View):
    allowed_roles = BILLING_READERS

    def get(self, request, *args, **kwargs):
        order = self.order
        if order.state != OrderState.ISSUED or not order.pdf:
            raise Http404(_("Ce bon de commande n'est pas émis."))
        response = HttpResponse(bytes(order.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="bon-de-commande-{order.reference}.pdf"'
        )
        return response


class OrderingPeriodView(RoleRequiredMixin, ServiceFormMixin, FormView):
    allowed_roles = MANAGERS
    form_class = OrderingPeriodForm
    template_name = FORM_TEMPLATE
    success_message = _("La période de commande est enregistrée.")

    @cached_property
    def fiscal_year(self) -> FiscalYear:
        return fiscal_year_or_404(self.request, self.kwargs["year"])

    def get_form_kwargs(self):
        period = getattr(self.fiscal_year, "ordering_period", None)
        return {**super().get_form_kwargs(), "instance": period}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("Période de commande %(year)s") % {"year": self.fiscal_year.year},
            "cancel_url": self.fiscal_year.get_absolute_url(),
        }

    def perform(self, form):
        return orders.ordering_period_save(
            fiscal_year=self.fiscal_year,
            opens_on=form.cleaned_data["opens_on"],
            closes_on=form.cleaned_data["closes_on"],
        )

    def get_success_url(self):
        return self.fiscal_year.get_absolute_url()
