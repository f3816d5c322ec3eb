from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from accounts import session_lifetime  # noqa: F401  (stamps each sign-in)
        from accounts.models import User

        auditlog.register(User, exclude_fields=["password", "last_login"])
