from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ligeris.lib.forms import FrenchDecimalField, FrenchDecimalsMixin
from partners.forms import DateInputsMixin
from partners.models import Partner, Person
from programme.models import (
    Deliverable,
    MeetingGuest,
    ObjectivesStatus,
    Workstream,
    WorkstreamMember,
)
from programme.models.workstreams import DONE


def _partners(consortium):
    return Partner.objects.filter(consortium=consortium).order_by("name")


class WorkstreamForm(forms.ModelForm):
    class Meta:
        model = Workstream
        fields = ["name", "summary", "missions", "composition", "frequency", "position"]
        widgets = {"missions": forms.Textarea(attrs={"rows": 5})}


class MemberForm(forms.ModelForm):
    class Meta:
        model = WorkstreamMember
        fields = ["partner", "person", "role"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners(consortium)
        self.fields["person"].queryset = (
            Person.objects.filter(partner__consortium=consortium, is_active=True)
            .select_related("partner")
            .order_by("last_name", "first_name")
        )


class DeliverableCreateForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["title", "due_on"]


class DeliverableForm(DateInputsMixin, forms.ModelForm):
    """The file is checked by the service (a readable PDF, capped in size)."""

    document = forms.FileField(
        label=_("Document livré (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Deliverable
        fields = ["title", "due_on", "status", "delivered_on"]

    def clean(self):
        data = super().clean()
        # Marked done without a date: delivered today (before the model's check refuses it).
        if data.get("status") in DONE and not data.get("delivered_on"):
            data["delivered_on"] = timezone.localdate()
        return data


class ReviewForm(FrenchDecimalsMixin, forms.Form):
    """One workstream's line of the COPIL's follow-up; a line left blank is not recorded."""

    progress = forms.IntegerField(
        label=_("Avancement (%)"), min_value=0, max_value=100, required=False
    )
    objectives = forms.ChoiceField(
        label=_("Objectifs"),
        choices=[("", "—"), *ObjectivesStatus.choices],
        required=False,
    )
    objectives_note = forms.CharField(
        label=_("Objectifs atteints ou révisés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    resources = forms.CharField(
        label=_("Ressources mobilisées"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    staff_days = FrenchDecimalField(
        label=_("Jours-agents"), required=False, max_digits=7, decimal_places=1, min_value=0
    )

    def clean(self):
        data = super().clean()
        filled = any(data.get(name) not in (None, "") for name in self.fields)
        if filled and (data.get("progress") is None or not data.get("objectives")):
            raise forms.ValidationError(
                _("Indiquez l'avancement et l'état des objectifs, ou laissez la ligne vide.")
            )
        data["filled"] = filled
        return data


class RotaForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partenaire"), queryset=Partner.objects.none())

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners(consortium)


class SecretariatForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partenaire qui assure le secrétariat"), queryset=Partner.objects.none()
    )

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners(consortium)


class GuestForm(forms.ModelForm):
    class Meta:
        model = MeetingGuest
        fields = ["kind", "name", "title", "organisation", "attended"]


class RecordingForm(forms.Form):
    """The file is checked by the service (audio by its first bytes, capped in size)."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    file = forms.FileField(
        label=_("Fichier audio (mp3, ogg, opus, m4a, wav)"),
        widget=forms.FileInput(attrs={"accept": "audio/*"}),
    )
