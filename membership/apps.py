from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    """The convention's life: admission, withdrawal, exclusion, amendments and term (art. 8, 10, 11).

    Above the domain apps: it imports partners, governance and billing, none of them imports it.
    It owns the files of the convention's events and changes a partner's status, through the lower
    apps' services, when those events take effect.
    """

    name = "membership"
    verbose_name = _("Vie du groupement")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from membership import receivers  # noqa: F401  (connects the governance signals)
        from membership.models import DeliberationSubmission

        auditlog.register(DeliberationSubmission)
