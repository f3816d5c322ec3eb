"""The timeline's filter: categories and a period, read from the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from membership.timeline import CATEGORIES
from partners.forms import DateInputsMixin


class TimelineFilterForm(DateInputsMixin, forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Catégories"),
        choices=list(CATEGORIES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : toutes."),
    )
    since = forms.DateField(label=_("Du"), required=False)
    until = forms.DateField(label=_("Au"), required=False)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."))
        return data
