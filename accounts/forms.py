from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from ligeris.lib.roles import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    partner = forms.ModelChoiceField(
        label=_("Partenaire"),
        queryset=None,
        required=False,
        help_text=_("Seulement pour un utilisateur partenaire."),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class AcceptInvitationForm(SetPasswordForm):
    """Django's own password form: validators, confirmation, French messages."""


class DigestPreferenceForm(forms.Form):
    inbox_digest = forms.BooleanField(
        label=_("Recevoir chaque semaine le récapitulatif de ma boîte par courriel"),
        required=False,
    )
