import functools

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing.models import Share, StorageVolume
from billing.templatetags.euros import euros_text
from ligeris.lib.tables import ROWS_IN_PYTHON, DateColumn
from titres.models import RevenueTitle, TitreKind
from titres.titre_selectors import status_of

NUM = {"td": {"class": "num"}}


class ShareTable(tables.Table):
    money_columns = ("amount",)
    pool_label = tables.Column(verbose_name=_("Poste"))
    tenant = tables.Column(verbose_name=_("Tenant"), accessor="tenant__code", default="—")
    partner = tables.Column(verbose_name=_("Débiteur"), accessor="partner__short_name")
    base = tables.Column(verbose_name=_("Base"), orderable=False)
    weight = tables.Column(verbose_name=_("Poids"), attrs=NUM)
    amount = tables.Column(verbose_name=_("Quote-part (€)"), attrs=NUM)
    borne_by_coordinator = tables.BooleanColumn(verbose_name=_("À la charge du coordonnateur"))
    explanation = tables.Column(
        verbose_name=_("Détail"), orderable=False, exclude_from_export=True, empty_values=()
    )

    class Meta:
        model = Share
        fields = ["pool_code", "pool_label", "tenant", "partner", "base", "weight", "amount"]
        sequence = [*fields, "borne_by_coordinator", "explanation"]
        empty_text = _("Aucune quote-part.")
        attrs = {"class": "data-table"}
        template_name = ROWS_IN_PYTHON

    def render_base(self, record) -> str:
        return record.explanation()

    @functools.cached_property
    def _detail_prefix(self) -> str:
        return reverse("billing:share_detail", args=[0]).removesuffix("0/")

    def render_explanation(self, record) -> str:
        # One reverse() a table, not one a row: the link is a prefix and the share's id.
        return format_html(
            '<a href="{}{}/">{}</a>', self._detail_prefix, record.pk, _("Explication")
        )

    def value_base(self, record) -> str:
        return record.explanation()

    def render_weight(self, value) -> str:
        return f"{value * 100:.4f}\u00a0%".replace(".", ",")

    def value_weight(self, value):
        return value

    def render_amount(self, value) -> str:
        return euros_text(value)

    def value_amount(self, value):
        return value


class VolumeTable(tables.Table):
    tenant = tables.Column(verbose_name=_("Tenant"), accessor="tenant__code")
    gigabytes = tables.Column(attrs=NUM)
    source = tables.Column(
        verbose_name=_("Import"), accessor="source__file_name", default=_("saisi à la main")
    )
    edit = tables.LinkColumn(
        "billing:volume_update",
        args=[tables.A("pk")],
        text=_("Modifier"),
        verbose_name=_("Actions"),
        orderable=False,
        exclude_from_export=True,
        empty_values=(),
    )

    def render_gigabytes(self, value) -> str:
        return number_format(value, decimal_pos=3, use_l10n=True, force_grouping=True)

    def value_gigabytes(self, value):
        return value

    class Meta:
        model = StorageVolume
        fields = ["tenant", "measured_on", "gigabytes", "source", "edit"]
        empty_text = _("Aucun relevé de volumétrie.")
        attrs = {"class": "data-table"}


#: `get_kind_display` without its dict of every choice built again for each row.
_KIND_LABELS = dict(TitreKind.choices)


class TitreTable(tables.Table):
    """Titres with their balance and status; `with_balance` annotations expected."""

    reference = tables.LinkColumn(
        "billing:titre_detail",
        args=[tables.A("pk")],
        verbose_name=_("Titre"),
        order_by="number",
        attrs={"td": {"class": "nowrap"}},
    )
    # Read from `pk`, sorted by `kind`: the render below gives the label, and from `kind`
    # django-tables2 called `get_kind_display` for every cell besides (a value not shown).
    kind = tables.Column(verbose_name=_("Nature"), accessor="pk", order_by="kind")
    debtor = tables.Column(verbose_name=_("Débiteur"), accessor="debtor__short_name")
    tenant = tables.Column(verbose_name=_("Tenant"), accessor="tenant__code", default="—")
    issued_on = DateColumn(
        verbose_name=_("Émis le"), format="d/m/Y", default="—", attrs={"td": {"class": "nowrap"}}
    )
    total = tables.Column(verbose_name=_("Montant"), attrs=NUM)
    balance = tables.Column(verbose_name=_("Reste à payer"), attrs=NUM)
    due_on = DateColumn(verbose_name=_("Échéance"), format="d/m/Y", default="—")
    status = tables.Column(verbose_name=_("Statut"), empty_values=(), orderable=False)

    class Meta:
        model = RevenueTitle
        fields = []
        sequence = [
            "reference",
            "kind",
            "debtor",
            "tenant",
            "issued_on",
            "total",
            "balance",
            "due_on",
            "status",
        ]
        empty_text = _("Aucun titre.")
        attrs = {"class": "data-table"}
        template_name = ROWS_IN_PYTHON

    def render_reference(self, record) -> str:
        flag = " ⚑" if record.below_threshold and record.state != "issued" else ""
        return f"{record.reference}{flag}"

    def render_kind(self, record) -> str:
        # The titre's own heading: a catalogue's annual titre billed in arrears is « terme échu ».
        # Lists that defer the snapshot annotate its heading instead (no query per row).
        if "snapshot" in record.get_deferred_fields():
            return getattr(record, "wording_heading", None) or _KIND_LABELS[record.kind]
        return record.heading

    def value_kind(self, record) -> str:
        return str(self.render_kind(record))

    def render_total(self, value) -> str:
        return euros_text(value)

    def render_balance(self, value) -> str:
        # Never a negative balance: what the debtor paid too much is a trop-perçu to refund.
        if value < 0:
            return _("trop-perçu %(amount)s") % {"amount": euros_text(-value)}
        return euros_text(value)

    def render_status(self, record) -> str:
        return status_of(record).label

    def value_status(self, record) -> str:
        return str(status_of(record).label)


class BatchExportTable(tables.Table):
    """The batch as the coordinator's finance software takes it in."""

    money_columns = ("total",)
    export_title = _("Titres de recette")

    reference = tables.Column(verbose_name=_("Numéro"), accessor="reference", orderable=False)
    debtor = tables.Column(verbose_name=_("Débiteur"), accessor="debtor__name")
    siret = tables.Column(verbose_name=_("SIRET"), accessor="debtor__organisation__siret")
    imputation = tables.Column(verbose_name=_("Imputation"), empty_values=(), orderable=False)
    total = tables.Column(verbose_name=_("Montant"), attrs=NUM)
    object = tables.Column(verbose_name=_("Objet"))

    class Meta:
        model = RevenueTitle
        fields = []
        sequence = ["reference", "debtor", "siret", "imputation", "total", "object"]
        empty_text = _("Aucun titre.")
        attrs = {"class": "data-table"}
        orderable = False

    def render_imputation(self, record) -> str:
        imputation = record.snapshot.get("imputation") or {}
        if not imputation:
            return "—"
        return f"{imputation['chapter']}/{imputation['article']}"

    def value_imputation(self, record) -> str:
        return self.render_imputation(record)

    def render_total(self, value) -> str:
        return euros_text(value)

    def value_total(self, value):
        return value
