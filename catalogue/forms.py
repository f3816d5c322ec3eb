from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import Catalogue, CommissioningReport, Service, ServicePrice, Subscription
from ligeris.lib.forms import FrenchDecimalField, FrenchDecimalsMixin
from partners.forms import DateInputsMixin
from partners.models import Partner


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = ["code", "label", "unit", "kind", "annex", "subcontractor", "complementary"]


class CatalogueForm(forms.ModelForm):
    class Meta:
        model = Catalogue
        fields = ["year"]


class PriceForm(FrenchDecimalsMixin, forms.ModelForm):
    class Meta:
        model = ServicePrice
        fields = ["service", "price"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            consortium=consortium, withdrawn_on__isnull=True
        )
        self.fields["price"].min_value = 0


class VoteForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Catalogue
        fields = ["voted_on", "decision"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voted_on"].required = True
        self.fields["decision"].required = True


class CopyForm(forms.Form):
    rate = FrenchDecimalField(
        label=_("Taux d'indexation (%)"), max_digits=6, decimal_places=3, initial=0
    )


class WithdrawForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Service
        fields = ["withdrawn_on", "withdrawal_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withdrawn_on"].required = True
        self.fields["withdrawal_reason"].required = True


class ReportForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = CommissioningReport
        fields = ["partner", "signed_on", "signatories", "note"]
        widgets = {"signatories": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(consortium=consortium).order_by(
            "name"
        )

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Un procès-verbal n'est pas signé dans le futur."))
        return day


class SubscriptionForm(FrenchDecimalsMixin, DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Subscription
        fields = ["service", "quantity", "ends_on"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            consortium=consortium, withdrawn_on__isnull=True
        )
        self.fields["quantity"].min_value = 0


class BillingForm(DateInputsMixin, forms.Form):
    issue_date = forms.DateField(label=_("Date d'émission"))
