from django import forms
from django.utils.translation import gettext_lazy as _

from ligeris.lib.forms import CheckedMultipleChoiceField
from partners.models import Amendment, Convention, Holding, Partner, Person, Tenant
from partners.models.organisations import LEGAL_FIELDS
from partners.validators import normalise_siret, validate_siret

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DateInputsMixin:
    """Native date pickers for every date field of the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE_INPUT


class ConventionForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Convention
        fields = [
            "title",
            "signed_on",
            "starts_on",
            "ends_on",
            "renewal_years",
            "notice_months",
            "membership_of",
            "amicable_letters",
            "amendment_approval_months",
            "catalogue_without_amendment",
        ]


class AmendmentForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Amendment
        fields = ["number", "kind", "title", "partner", "signed_on", "effective_on", "summary"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = consortium.partners.all()


class PartnerForm(DateInputsMixin, forms.ModelForm):
    # Wider than 14: people paste SIRETs with spaces ("223 700 018 00011").
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        help_text=_("14 chiffres, clé de contrôle vérifiée."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # The organisation's: a SIRET already known reuses its organisation (another consortium's).
    address = forms.CharField(label=_("adresse"), max_length=300)
    postal_code = forms.CharField(label=_("code postal"), max_length=5)
    city = forms.CharField(label=_("commune"), max_length=100)

    class Meta:
        model = Partner
        fields = [
            "name",
            "short_name",
            "kind",
            "billing_email",
            "representative_name",
            "representative_title",
            "approving_body",
            "approval_date",
            "in_2019_partnership",
        ]

    field_order = ["name", "short_name", "kind", *LEGAL_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.organisation_id:
            for name in LEGAL_FIELDS:
                self.initial.setdefault(name, getattr(self.instance, name))

    def clean_siret(self) -> str:
        siret = normalise_siret(self.cleaned_data["siret"])
        validate_siret(siret)
        return siret

    def _post_clean(self):
        for name in LEGAL_FIELDS:
            if name in self.cleaned_data:
                setattr(self.instance, name, self.cleaned_data[name])
        super()._post_clean()


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "civility",
            "first_name",
            "last_name",
            "role",
            "job_title",
            "email",
            "phone",
            "is_active",
        ]


class TenantForm(DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Tenant
        fields = ["code", "name", "opened_on", "deployed_on", "closed_on"]


class TenantCreateForm(TenantForm):
    payer = forms.ModelChoiceField(
        label=_("Interlocuteur financier unique (payeur)"), queryset=Partner.objects.none()
    )
    co_holders = CheckedMultipleChoiceField(
        label=_("Autres détenteurs"),
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(TenantForm.Meta):
        fields = ["code", "name", "opened_on", "deployed_on"]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = consortium.partners.all()
        self.fields["co_holders"].queryset = consortium.partners.all()

    def clean(self):
        cleaned = super().clean()
        payer, others = cleaned.get("payer"), cleaned.get("co_holders") or []
        if payer and payer in others:
            self.add_error("co_holders", _("Le payeur est déjà détenteur : ne le cochez pas ici."))
        return cleaned


class HoldingForm(forms.ModelForm):
    class Meta:
        model = Holding
        fields = ["partner", "is_payer"]

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = tenant.consortium.partners.exclude(
            holdings__tenant=tenant
        )

    def validate_unique(self):
        # The service checks the payer rule with a clearer message, under a lock.
        pass
