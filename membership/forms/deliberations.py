"""A partner's approving deliberation, and the coordinator's check of it."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ligeris.lib.uploads import check_pdf
from membership.services.deliberations import DELIBERATION_MAX_BYTES
from partners.forms import DateInputsMixin


class DeliberationForm(DateInputsMixin, forms.Form):
    approving_body = forms.CharField(
        label=_("Instance ayant délibéré"),
        max_length=200,
        help_text=_("Par ex. « Conseil municipal », « Commission permanente »."),
    )
    deliberation_number = forms.CharField(label=_("Numéro de la délibération"), max_length=50)
    approved_on = forms.DateField(label=_("Date de la délibération"))
    pdf = forms.FileField(
        label=_("Délibération (PDF)"), help_text=_("Le PDF de la délibération, 10 Mo au plus.")
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        try:
            check_pdf(upload, max_bytes=DELIBERATION_MAX_BYTES)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return upload


class DeliberationRecordForm(DateInputsMixin, forms.Form):
    effective_on = forms.DateField(
        label=_("Date d'effet de l'avenant"),
        required=False,
        help_text=_(
            "Pour la dernière approbation seulement : vide, l'avenant prend effet à la date de "
            "la dernière délibération."
        ),
    )


class DeliberationRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Transmis au partenaire, qui peut déposer une autre délibération."),
    )
