"""Forms of the purchase orders: the partner's order and its lines, the coordinator's decisions,
the year's ordering period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import ChargeOn, OrderingPeriod
from billing.services.orders import MAX_LINES, LineInput
from ligeris.lib.forms import FrenchDecimalField
from partners.forms import DateInputsMixin

#: Empty lines offered on the order form (a line left empty is ignored).
EXTRA_LINES = 5
TEXT = forms.Textarea(attrs={"rows": 3})


class OrderingPeriodForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = OrderingPeriod
        fields = ["opens_on", "closes_on"]


class OrderForm(forms.Form):
    tenant = forms.ModelChoiceField(
        label=_("Tenant concerné"),
        queryset=None,
        required=False,
        empty_label=_("Aucun : commande du partenaire"),
    )
    reason = forms.CharField(label=_("Motif de la commande"), max_length=2000, widget=TEXT)

    def __init__(self, *args, tenants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = tenants


class OrderLineForm(forms.Form):
    tariff_line = forms.ModelChoiceField(
        label=_("Prix de la grille"),
        queryset=None,
        required=False,
        empty_label=_("Ligne libre (prix fixé par le coordonnateur)"),
    )
    label = forms.CharField(label=_("Désignation (ligne libre)"), max_length=200, required=False)
    quantity = FrenchDecimalField(
        label=_("Quantité"), max_digits=10, decimal_places=2, required=False, min_value=0
    )

    def __init__(self, *args, grid_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tariff_line"].queryset = grid_lines
        self.fields["tariff_line"].label_from_instance = lambda line: (
            f"{line.label} — {line.amount} € {line.unit}".strip()
        )

    def line(self) -> LineInput | None:
        """The line typed, or None for a line left empty."""
        data = self.cleaned_data
        grid_line, label, quantity = (
            data.get("tariff_line"),
            data.get("label", ""),
            data.get("quantity"),
        )
        if grid_line is None and not label.strip() and quantity is None:
            return None
        return LineInput(quantity=quantity, tariff_line=grid_line, label=label)


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self) -> list[LineInput]:
        return [line for form in self.forms if (line := form.line()) is not None]


OrderLineFormSet = forms.formset_factory(
    OrderLineForm,
    formset=BaseLineFormSet,
    extra=EXTRA_LINES,
    max_num=MAX_LINES,
    absolute_max=MAX_LINES,
    validate_max=True,
)


class SubmitForm(forms.Form):
    emergency_reason = forms.CharField(
        label=_("Motif de l'urgence (hors période de commande)"),
        max_length=2000,
        required=False,
        widget=TEXT,
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Ce que le partenaire doit modifier"), max_length=2000, widget=TEXT
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Motif du refus"), max_length=2000, widget=TEXT)


class IssueForm(forms.Form):
    charge_on = forms.ChoiceField(
        label=_("Imputation"),
        choices=ChargeOn.choices,
        initial=ChargeOn.NEXT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, free_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.free_lines = list(free_lines)
        for line in self.free_lines:
            self.fields[f"price_{line.pk}"] = FrenchDecimalField(
                label=_("Prix unitaire de la ligne %(n)s « %(label)s » (€)")
                % {"n": line.position, "label": line.label},
                max_digits=13,
                decimal_places=2,
                min_value=0,
            )

    def prices(self) -> dict:
        return {line.pk: self.cleaned_data[f"price_{line.pk}"] for line in self.free_lines}
