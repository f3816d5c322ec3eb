import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from catalogue.models import Service
from commitments.models import Commitment, Referent, ServiceRequest
from partners.models import Partner

#: Typed in Paris time (the project's TIME_ZONE), as the browser's datetime picker gives it.
DATETIME_INPUT = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})


def _partners(consortium):
    return Partner.objects.filter(consortium=consortium).order_by("name")


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["service", "kind", "delay", "unit"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(consortium=consortium)
        self.fields["delay"].required = False
        self.fields["delay"].max_value = 365
        self.fields["unit"].required = False
        self.fields["delay"].help_text = _("Vide : le délai de la convention 002.")


class ReferentForm(forms.ModelForm):
    class Meta:
        model = Referent
        fields = ["partner", "name", "email", "phone"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners(consortium)

    def validate_unique(self):
        """A second referent replaces the first (the service updates it)."""


class RequestForm(forms.ModelForm):
    class Meta:
        model = ServiceRequest
        fields = ["partner", "commitment", "subject", "received_at", "complete_at", "answered_at"]
        widgets = dict.fromkeys(("received_at", "complete_at", "answered_at"), DATETIME_INPUT)

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners(consortium)
        self.fields["commitment"].queryset = Commitment.objects.filter(
            consortium=consortium
        ).select_related("service")


class RequestUpdateForm(forms.ModelForm):
    class Meta:
        model = ServiceRequest
        fields = ["complete_at", "answered_at"]
        widgets = dict.fromkeys(("complete_at", "answered_at"), DATETIME_INPUT)


class MonthForm(forms.Form):
    mois = forms.DateField(
        label=_("Mois"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
        required=False,
    )

    def month(self, today: datetime.date) -> datetime.date:
        if self.is_valid() and self.cleaned_data["mois"]:
            return self.cleaned_data["mois"].replace(day=1)
        return today.replace(day=1)
