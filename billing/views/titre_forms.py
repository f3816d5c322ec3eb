"""The forms posted from a titre's page: payments and their reversal, corrections, refunds."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from billing.forms import CorrectionForm, PaymentForm, PaymentReversalForm, RefundForm
from billing.services import titres
from billing.templatetags.euros import euros_text
from ligeris.lib.permissions import RoleRequiredMixin
from ligeris.lib.roles import MANAGERS
from ligeris.lib.views import ServiceFormMixin
from partners.consortia import request_consortium_or_404
from titres import titre_selectors
from titres.models import Payment, RevenueTitle, TitreState


class TitreFormView(RoleRequiredMixin, ServiceFormMixin, FormView):
    """A form posted from the titre page; on refusal the page shows again with the errors."""

    allowed_roles = MANAGERS
    template_name = "partners/form.html"
    title = ""

    @cached_property
    def titre(self) -> RevenueTitle:
        return get_object_or_404(
            titre_selectors.titres_visible_to(self.request.user).filter(
                consortium=request_consortium_or_404(self.request), state=TitreState.ISSUED
            ),
            pk=self.kwargs["pk"],
        )

    def get_title(self) -> str:
        return self.title % {"reference": self.titre.reference}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": self.get_title()}

    def get_success_url(self):
        return self.titre.get_absolute_url()


class PaymentCreateView(TitreFormView):
    form_class = PaymentForm
    title = _("Enregistrer un paiement sur le titre n° %(reference)s")
    success_message = _("Le paiement a été enregistré.")

    def perform(self, form):
        return titres.payment_record(titre=self.titre, user=self.request.user, **form.cleaned_data)


class TitreCorrectView(TitreFormView):
    form_class = CorrectionForm
    title = _("Annuler ou réduire le titre n° %(reference)s")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "titre": self.titre}

    def perform(self, form):
        correction = titres.titre_correct(
            original=self.titre, user=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(kind)s n° %(reference)s émis.")
            % {"kind": correction.get_kind_display(), "reference": correction.reference},
        )
        return correction


class RefundCreateView(TitreFormView):
    """The trop-perçu paid back by mandat: recorded by finance staff, it closes it."""

    form_class = RefundForm
    title = _("Rembourser le trop-perçu du titre n° %(reference)s")
    success_message = _("Le remboursement a été enregistré.")

    def perform(self, form):
        return titres.refund_record(titre=self.titre, user=self.request.user, **form.cleaned_data)


class PaymentReverseView(TitreFormView):
    """A payment recorded by mistake, cancelled by a counter-entry with its reason."""

    form_class = PaymentReversalForm
    title = _("Contre-passer le paiement %(payment)s du titre n° %(reference)s")
    success_message = _("Le paiement a été contre-passé : il ne compte plus dans le solde.")

    @cached_property
    def payment(self) -> Payment:
        return get_object_or_404(self.titre.payments, pk=self.kwargs["payment"])

    def get_title(self) -> str:
        payment = self.payment
        return self.title % {
            "reference": self.titre.reference,
            "payment": f"{payment.reference} ({euros_text(payment.amount)}, "
            f"{payment.paid_on:%d/%m/%Y})",
        }

    def perform(self, form):
        return titres.payment_reverse(
            payment=self.payment, user=self.request.user, **form.cleaned_data
        )
