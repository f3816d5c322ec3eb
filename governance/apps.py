from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    """Committees, meetings, votes and minutes (issue to come)."""

    name = "governance"
    verbose_name = _("Gouvernance")
