import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ligeris.lib.tables import ROWS_IN_PYTHON
from partners.models import Partner, Tenant


class PartnerTable(tables.Table):
    name = tables.Column(linkify=True)
    siret = tables.Column(verbose_name=_("SIRET"), accessor="organisation__siret")
    city = tables.Column(verbose_name=_("commune"), accessor="organisation__city")
    tenant_count = tables.Column(verbose_name=_("Tenants détenus"), attrs={"td": {"class": "num"}})
    paid_count = tables.Column(verbose_name=_("Tenants payés"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Partner
        fields = ["name", "short_name", "kind", "status", "siret", "city", "representative_name"]
        sequence = [*fields, "tenant_count", "paid_count"]
        empty_text = _("Aucun partenaire ne correspond à ces critères.")
        template_name = ROWS_IN_PYTHON


class TenantTable(tables.Table):
    code = tables.Column(linkify=True)
    holders = tables.Column(verbose_name=_("Détenteurs"), empty_values=(), orderable=False)
    payer = tables.Column(verbose_name=_("Payeur"), empty_values=(), orderable=False)

    class Meta:
        model = Tenant
        fields = ["code", "name", "opened_on", "deployed_on", "closed_on"]
        sequence = [*fields, "holders", "payer"]
        empty_text = _("Aucun tenant ne correspond à ces critères.")

    def render_holders(self, record) -> str:
        return ", ".join(h.partner.short_name for h in record.holdings.all())

    def render_payer(self, record) -> str:
        return next((h.partner.short_name for h in record.holdings.all() if h.is_payer), "—")

    value_holders = render_holders
    value_payer = render_payer
