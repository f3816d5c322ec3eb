from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    """Fiscal years, tariff grids, cost sharing and titres de recette (issues to come)."""

    name = "billing"
    verbose_name = _("Répartition des coûts et titres de recette")
