"""The forms of meeting requests: the partner's request, the coordinator's answer."""

from django import forms
from django.utils.translation import gettext_lazy as _

from governance.selectors import requestable_bodies
from partners.models import Partner


class MeetingRequestForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Instance"), queryset=None, empty_label=None)
    subject = forms.CharField(label=_("Objet de la séance"), max_length=300)
    details = forms.CharField(
        label=_("Précisions"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = requestable_bodies(partner)


class MeetingRequestAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Motif de la réponse"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Envoyé au demandeur par courriel."),
    )
