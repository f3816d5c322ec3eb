"""Forms of the candidacy file."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import BodyKind, Meeting
from ligeris.lib.forms import FrenchDecimalsMixin
from membership.models import Candidacy, RequestedTenant
from partners.forms import DateInputsMixin
from partners.models import Partner, PartnerStatus

FILE_FIELDS = [
    "has_archives_service",
    "archives_head",
    "has_it_service",
    "it_head",
    "maturity_notes",
    "wished_opening_on",
    "opening_on",
    "letter_of_intent_on",
]


class CandidacyForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Candidacy
        fields = FILE_FIELDS


class CandidacyCreateForm(CandidacyForm):
    class Meta(CandidacyForm.Meta):
        fields = ["partner", *FILE_FIELDS]

    def __init__(self, *args, consortium=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(
            consortium=consortium, status=PartnerStatus.CANDIDATE, candidacy__isnull=True
        ).order_by("name")
        self.fields["partner"].help_text = _(
            "Un partenaire au statut « candidat » (créez-le d'abord dans les partenaires)."
        )


class RequestedTenantForm(FrenchDecimalsMixin, forms.ModelForm):
    class Meta:
        model = RequestedTenant
        fields = ["code", "name", "is_shared", "payer", "volume_gb"]

    def __init__(self, *args, candidacy: Candidacy, **kwargs):
        super().__init__(*args, **kwargs)
        candidate = candidacy.partner
        self.fields["payer"].queryset = Partner.objects.filter(
            Q(pk=candidate.pk) | Q(status=PartnerStatus.MEMBER),
            consortium_id=candidate.consortium_id,
        ).order_by("name")
        self.fields["payer"].initial = candidate.pk


class PutToCopilForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("Séance du comité de pilotage"), queryset=None)
    number = forms.CharField(label=_("Numéro de délibération"), max_length=30, required=False)

    def __init__(self, *args, consortium=None, **kwargs):
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
        self.fields["meeting"].label_from_instance = lambda m: (
            _("%(body)s du %(day)s")
            % {
                "body": m.body.short_name,
                "day": timezone.localtime(m.starts_at).strftime("%d/%m/%Y"),
            }
        )
