"""Forms of an exclusion case: each maps to one service of membership/services/exclusion.py."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import BodyKind, Meeting
from ligeris.lib.forms import FrenchDecimalField
from membership.models import ExclusionGround
from membership.services.exclusion import EXCLUDABLE
from partners.forms import DateInputsMixin
from partners.models import Partner
from titres.models import RevenueTitle
from titres.money import format_euros


class _TitreChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, titre):
        return _("%(debtor)s — titre n° %(ref)s, échu le %(due)s, %(balance)s restant dus") % {
            "debtor": titre.debtor.short_name,
            "ref": titre.reference,
            "due": f"{titre.due_on:%d/%m/%Y}",
            "balance": format_euros(titre.balance),
        }


class ExclusionOpenForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("Partenaire"), queryset=Partner.objects.none())
    ground = forms.ChoiceField(label=_("Motif"), choices=ExclusionGround.choices)
    titres = _TitreChoice(
        label=_("Titres impayés retenus"),
        queryset=RevenueTitle.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pour un non-paiement : les titres échus non soldés du partenaire."),
    )
    breach = forms.CharField(
        label=_("Manquement constaté"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Tel que la lettre de notification l'énoncera. Pour un non-paiement, laissé vide, il "
            "est rédigé d'après les titres retenus."
        ),
    )

    def __init__(self, *args, consortium, overdue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = consortium.partners.filter(status__in=EXCLUDABLE)
        self.fields["titres"].queryset = overdue


class ExclusionScheduleForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Séance du COPIL"), queryset=Meeting.objects.none())
    number = forms.CharField(
        label=_("Numéro de délibération"),
        max_length=30,
        required=False,
        help_text=_("Pour un COPIL qui numérote ses délibérations, par ex. « 2026-03 »."),
    )
    motion = forms.CharField(
        label=_("Proposition soumise au vote"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Laissée vide : la proposition d'exclusion au titre de l'article 8."),
    )

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                body__consortium=consortium,
                body__kind=BodyKind.STEERING,
                minutes_closed_at__isnull=True,
            )
            .select_related("body")
            .order_by("starts_at")
        )


class ExclusionLetterForm(DateInputsMixin, forms.Form):
    letter_sent_on = forms.DateField(label=_("Lettre envoyée le"), initial=timezone.localdate)
    letter_reference = forms.CharField(
        label=_("N° de la lettre recommandée avec accusé de réception"), max_length=40
    )


class ExclusionReceiptForm(DateInputsMixin, forms.Form):
    received_on = forms.DateField(
        label=_("Lettre reçue le"),
        help_text=_("La date de l'accusé de réception : les six mois courent à partir d'elle."),
    )


class ExclusionCostsForm(DateInputsMixin, forms.Form):
    amount = FrenchDecimalField(label=_("Montant (€)"), max_digits=13, decimal_places=2)
    label = forms.CharField(
        label=_("Libellé"),
        max_length=200,
        required=False,
        help_text=_("Par ex. « Frais de lettre recommandée et d'export des données »."),
    )
    invoice_date = forms.DateField(label=_("Date des frais"), initial=timezone.localdate)
    reference = forms.CharField(label=_("Référence"), max_length=100, required=False)
