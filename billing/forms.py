from django import forms
from django.utils.translation import gettext_lazy as _

from billing.imports import MAX_BYTES, MAX_ROWS
from billing.models import (
    AllocationRun,
    CostPool,
    Expense,
    RunKind,
    StaffTime,
    TariffGrid,
    TariffLine,
)
from billing.templatetags.euros import euros_text
from ligeris.lib.forms import FrenchDecimalField, FrenchDecimalsMixin
from partners.forms import DateInputsMixin
from titres.models import Payment, PaymentReversal, Refund, TitreKind, TitreSettings
from titres.pes.validators import validate_nature


class FiscalYearForm(forms.Form):
    year = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)


class TariffLineForm(FrenchDecimalsMixin, forms.ModelForm):
    class Meta:
        model = TariffLine
        fields = ["code", "label", "kind", "amount", "unit"]


class GridCopyForm(forms.Form):
    rate = FrenchDecimalField(
        label=_("Taux d'indexation global (%)"),
        max_digits=6,
        decimal_places=3,
        initial=0,
        help_text=_("Appliqué au 1er janvier de l'exercice suivant à chaque ligne."),
    )

    def __init__(self, *args, grid: TariffGrid, **kwargs):
        super().__init__(*args, **kwargs)
        self.line_codes = []
        for line in grid.lines.order_by("code"):
            name = f"line_{line.code}"
            self.line_codes.append((name, line.code))
            self.fields[name] = FrenchDecimalField(
                label=_("Taux propre à « %(label)s » (%%)") % {"label": line.label},
                max_digits=6,
                decimal_places=3,
                required=False,
                help_text=_("Laisser vide pour appliquer le taux global."),
            )

    def line_rates(self) -> dict:
        return {
            code: self.cleaned_data[name]
            for name, code in self.line_codes
            if self.cleaned_data.get(name) is not None
        }


class CostPoolForm(FrenchDecimalsMixin, forms.ModelForm):
    class Meta:
        model = CostPool
        fields = [
            "code",
            "label",
            "category",
            "key",
            "budget_amount",
            "direct_tenant",
            "direct_partner",
            "spread_on",
        ]

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_amount"].required = False
        self.fields["budget_amount"].help_text = _(
            "Laissé vide : le montant de la ligne de grille de même code (pour le temps RH, "
            "ce que les autres postes de temps RH laissent du plafond annuel de la grille)."
        )
        self.fields["direct_tenant"].queryset = consortium.tenants.order_by("code")
        self.fields["direct_partner"].queryset = consortium.partners.order_by("name")


class ExpenseForm(FrenchDecimalsMixin, DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Expense
        fields = ["invoice_date", "vendor", "contract_lot", "reference", "amount", "description"]


class StaffTimeForm(FrenchDecimalsMixin, DateInputsMixin, forms.ModelForm):
    class Meta:
        model = StaffTime
        fields = ["period_end", "days", "description"]


class VolumeUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier de volumétrie (CSV ou XLSX)"),
        help_text=_(
            "Colonnes : tenant, date, volume, et facultativement unité (Mo, Go, To ; Go par "
            "défaut). Virgule décimale acceptée. Au plus %(rows)s lignes et %(size)s Mo."
        )
        % {"rows": f"{MAX_ROWS:,}".replace(",", "\u202f"), "size": MAX_BYTES // 1024**2},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo : découpez-le.")
                % {"size": max(1, MAX_BYTES // 1024**2)}
            )
        return upload


class VolumeForm(DateInputsMixin, forms.Form):
    """One storage-volume reading, read like a row of an import file."""

    tenant = forms.ModelChoiceField(label=_("Tenant"), queryset=None)
    measured_on = forms.DateField(label=_("Date du relevé"))
    quantity = forms.CharField(
        label=_("Volume"),
        max_length=40,
        help_text=_("Virgule décimale acceptée, par exemple 1 250,5 ou 1,25 To."),
    )
    unit = forms.ChoiceField(
        label=_("Unité"),
        choices=[("Mo", "Mo"), ("Go", "Go"), ("To", "To")],
        initial="Go",
        help_text=_("Sauf si le volume porte déjà son unité."),
    )

    def __init__(self, *args, consortium, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tenant"].queryset = consortium.tenants.order_by("code")


class RunForm(forms.Form):
    kind = forms.ChoiceField(label=_("Répartition"), choices=RunKind.choices)


class TitreSettingsForm(FrenchDecimalsMixin, forms.ModelForm):
    class Meta:
        model = TitreSettings
        fields = [
            "signatory_last_name",
            "signatory_first_names",
            "signatory_role",
            "approving_deliberation",
            "imputation_chapter",
            "imputation_article",
            "imputation_label",
            "accountant_name",
            "accountant_address",
            "iban",
            "bic",
            "payment_days",
            "exclusion_after_days",
            "recovery_threshold",
            "court",
            "court_address",
            "court_article",
            "executory_formula",
            "remedies_text",
            "pes_poste",
            "pes_siret",
            "pes_collectivity_code",
            "pes_budget_code",
            "pes_budget_label",
            "pes_product_code",
            "pes_function",
            "one_net_titre_per_debtor",
        ]

    # Checked by the service (settings_save): PNG or JPEG, bounded before it is decoded.
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_(
            "Imprimé en tête des titres, au-dessus du nom du coordonnateur : PNG ou JPEG, "
            "512 Ko et 4 millions de pixels au plus. Les titres déjà émis gardent leur logo."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    logo_clear = forms.BooleanField(label=_("Retirer le logo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.logo_id:
            del self.fields["logo_clear"]

    def clean_imputation_article(self) -> str:
        article = self.cleaned_data["imputation_article"].strip()
        validate_nature(article)  # the PES's Nature: digits only
        return article

    def clean_iban(self) -> str:
        iban = "".join(self.cleaned_data["iban"].split()).upper()
        digits = (
            "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
            if iban.isascii() and iban.isalnum()
            else ""
        )
        if len(iban) < 15 or not digits or int(digits) % 97 != 1:
            raise forms.ValidationError(_("IBAN invalide : vérifiez sa clé de contrôle."))
        return iban


class IssueDateForm(DateInputsMixin, forms.Form):
    issue_date = forms.DateField(label=_("Date d'émission"))


class DraftsFromRunForm(IssueDateForm):
    run = forms.ModelChoiceField(label=_("Répartition"), queryset=AllocationRun.objects.none())

    def __init__(self, *args, fiscal_year, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].queryset = fiscal_year.runs.exclude(kind=RunKind.ACTUAL).order_by(
            "kind", "-version"
        )
        self.order_fields(["run", "issue_date"])


class PaymentForm(FrenchDecimalsMixin, DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["paid_on", "amount", "reference"]


class CorrectionForm(DateInputsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Correction"),
        choices=[
            (TitreKind.REDUCTION, _("Titre de réduction (une partie)")),
            (TitreKind.CANCELLATION, _("Titre d'annulation (tout le reste)")),
        ],
        widget=forms.RadioSelect,
    )
    amount = FrenchDecimalField(
        label=_("Montant de la réduction (€)"),
        max_digits=13,
        decimal_places=2,
        required=False,
        help_text=_("Sans objet pour une annulation."),
    )
    line = forms.TypedChoiceField(
        label=_("Ligne réduite"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_(
            "Pour une réduction : la ligne du titre qu'elle réduit ; sans choix, toutes les "
            "lignes au prorata de ce qui reste de chacune."
        ),
    )
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}))
    issue_date = forms.DateField(label=_("Date d'émission"))

    def __init__(self, *args, titre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("Toutes les lignes, au prorata"))] + [
            (line.pk, f"{line.label} ({euros_text(line.amount)})")
            for line in titre.lines.filter(amount__gt=0)
        ]
        self.order_fields(["kind", "amount", "line", "reason", "issue_date"])


class RefundForm(FrenchDecimalsMixin, DateInputsMixin, forms.ModelForm):
    class Meta:
        model = Refund
        fields = ["mandate_number", "paid_on", "amount"]


class PaymentReversalForm(FrenchDecimalsMixin, DateInputsMixin, forms.ModelForm):
    class Meta:
        model = PaymentReversal
        fields = ["reversed_on", "reason"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}


class RecapRowsForm(forms.Form):
    """The distribution page's filters; a value out of bounds is refused, nothing filtered."""

    vue = forms.ChoiceField(
        label=_("Par"),
        choices=[("tenant", _("tenant ou membre")), ("partner", _("partenaire payeur"))],
        required=False,
    )
    q = forms.CharField(label=_("Partenaire ou tenant"), max_length=100, required=False)
    poste = forms.ChoiceField(label=_("Poste"), required=False)

    def __init__(self, *args, pools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["poste"].choices = [("", _("Tous"))] + [
            (p.pool.code, f"{p.pool.code} — {p.pool.label}") for p in pools
        ]
