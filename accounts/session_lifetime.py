"""A signed-in session ends after 30 minutes without a request, and 12 hours after sign-in
whatever the activity: finance data stay behind a recent sign-in on a shared office computer.

Checked on the server from timestamps kept in the session, so a replayed cookie is refused as
well as an old tab; the cookie's own age only caps how long the browser keeps it.
"""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SIGNED_IN_AT = "ligeris_signed_in_at"
SEEN_AT = "ligeris_seen_at"


@receiver(user_logged_in)
def _stamp_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


def _expired_because(session, now: int) -> str | None:
    signed_in_at = session.get(SIGNED_IN_AT)
    seen_at = session.get(SEEN_AT, signed_in_at)
    if signed_in_at is None:
        return None
    if now - signed_in_at > settings.LIGERIS_SESSION_ABSOLUTE_SECONDS:
        return _("Votre session a expiré (12 heures après la connexion) : reconnectez-vous.")
    if now - seen_at > settings.LIGERIS_SESSION_IDLE_SECONDS:
        return _("Votre session a expiré après 30 minutes d’inactivité : reconnectez-vous.")
    return None


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            session = request.session
            now = int(time.time())
            if SIGNED_IN_AT not in session:
                # A session from before this rule: its clock starts now.
                session[SIGNED_IN_AT] = session[SEEN_AT] = now
            reason = _expired_because(session, now)
            if reason:
                logout(request)
                messages.warning(request, reason)
                login = reverse(settings.LOGIN_URL)
                return redirect(f"{login}?next={quote(request.get_full_path())}")
            if now - session.get(SEEN_AT, now) >= settings.LIGERIS_SESSION_TOUCH_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)
