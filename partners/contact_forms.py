"""The forms of contact changes: the partner's proposal and the coordinator's refusal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.forms import DateInputsMixin
from partners.models import Civility, ContactKind, Partner


class ContactChangeForm(DateInputsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Changement"), choices=ContactKind.choices)
    replaces = forms.ModelChoiceField(
        label=_("Interlocuteur remplacé"),
        queryset=None,
        required=False,
        help_text=_("Vide : l'interlocuteur actif de cette fonction, s'il y en a un."),
    )
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=[("", "—"), *Civility.choices], required=False
    )
    first_name = forms.CharField(label=_("Prénom"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    job_title = forms.CharField(label=_("Intitulé du poste"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Courriel"),
        help_text=_("Pour le courriel des titres : la nouvelle adresse du service financier."),
    )
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    effective_on = forms.DateField(label=_("À compter du"))

    def __init__(self, *args, partner: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaces"].queryset = partner.people.filter(is_active=True).order_by(
            "role", "last_name"
        )


class ContactChangeRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
