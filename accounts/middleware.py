"""Coordinator staff (administrators, finance, secretaries) set up TOTP before anything else, when
the setting says so. Administrators above all: they hold the Django admin and invite users."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from ligeris.lib.roles import STAFF, role_of

ROLES_REQUIRING_2FA = STAFF
# Pages a user without 2FA can still reach: setting it up, signing out, static files.
_ALLOWED_PREFIXES = (
    "/comptes/2fa/",
    "/comptes/logout/",
    "/comptes/reauthenticate/",
    "/static/",
    "/i18n/",
)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up(request):
            messages.warning(
                request,
                _(
                    "Votre rôle exige la double authentification : activez une application TOTP pour continuer."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request) -> bool:
        if not settings.LIGERIS_REQUIRE_2FA:
            return False
        user = request.user
        if not user.is_authenticated or role_of(user) not in ROLES_REQUIRING_2FA:
            return False
        if request.path.startswith(_ALLOWED_PREFIXES):
            return False
        return not is_mfa_enabled(user)
