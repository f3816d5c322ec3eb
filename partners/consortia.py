"""Which consortium a request works in.

Coordinator staff work for the consortia they are given (superusers for all), the current one
kept in the session; a partner user acts for its organisation, through `user.partner`: the
membership of the consortium it works in now (switching consortium switches membership).
Anonymous pages show the installation's first consortium, as before there were several.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import gettext as _

from ligeris.lib.roles import Role, role_of
from ligeris.lib.scopes import consortium_scope, scopes_disabled
from partners.models import Consortium, Partner

SESSION_KEY = "ligeris_consortium"


def consortia_of(user) -> QuerySet[Consortium]:
    """The consortia a user may work in, in a stable order."""
    consortia = Consortium.objects.select_related("coordinator").order_by("pk")
    role = role_of(user)
    if user is None or not user.is_authenticated:
        return consortia.none()
    if user.is_superuser:
        return consortia
    if role == Role.PARTNER:
        return consortia.filter(partners__organisation__memberships__users=user).distinct()
    return consortia.filter(staff=user)


def _resolve(request) -> tuple[Consortium | None, list[Consortium]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Consortium.objects.select_related("coordinator").order_by("pk").first(), []
    # One query: the choices are a handful, and the switcher shows them.
    consortia = consortia_of(user)
    if role_of(user) == Role.PARTNER:
        acting = Partner.objects.filter(pk=user.partner_id, consortium=OuterRef("pk"))
        choices = list(consortia.annotate(acting=Exists(acting)))
        wanted = next((c.pk for c in choices if c.acting), None)
    else:
        choices = list(consortia)
        wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    current = next((c for c in choices if c.pk == wanted), choices[0] if choices else None)
    return current, choices


def _resolved(request) -> tuple[Consortium | None, list[Consortium]]:
    if "_ligeris_consortia" not in request.__dict__:
        with scopes_disabled():  # it reads the memberships of every consortium
            request._ligeris_consortia = _resolve(request)
    return request._ligeris_consortia


def request_consortium(request) -> Consortium | None:
    """The consortium this request works in; None when the user works for none."""
    return _resolved(request)[0]


def request_consortium_or_404(request) -> Consortium:
    consortium = request_consortium(request)
    if consortium is None:
        raise Http404(_("Aucun groupement n'est encore configuré."))
    return consortium


class RequestConsortiumMixin:
    """A view's `consortium`: the request's, or "not found" before one is set up."""

    @cached_property
    def consortium(self) -> Consortium:
        return request_consortium_or_404(self.request)


def consortium_choices(request) -> list[Consortium]:
    """The consortia the user can switch to (the switcher shows when there are several)."""
    return _resolved(request)[1]


def switch(request, consortium_id: int) -> Consortium | None:
    """Work in another of the user's consortia; None if it is not one of them."""
    chosen = next((c for c in consortium_choices(request) if c.pk == consortium_id), None)
    if chosen is None:
        return None
    user = request.user
    if role_of(user) == Role.PARTNER:
        with scopes_disabled():  # the membership is in the consortium switched to
            membership = Partner.objects.get(
                consortium=chosen, organisation__memberships__users=user
            )
        user.partner = membership
        user.save(update_fields=["partner"])
    else:
        request.session[SESSION_KEY] = chosen.pk
    request._ligeris_consortia = (chosen, consortium_choices(request))
    return chosen


class ConsortiumMiddleware:
    """Sets `request.consortium`, resolved on first use (most pages read it, some never)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.consortium = SimpleLazyObject(lambda: request_consortium(request))
        return self.get_response(request)


#: Django's admin, for superusers: every consortium's rows, as before there were scopes.
ADMIN_PREFIX = "/admin/"


class ScopeMiddleware:
    """Runs the view in the scope of the request's consortium (`ligeris.lib.scopes`): a query
    a selector forgot to filter sees that consortium's rows only; a request working for no
    consortium sees none. After `ConsortiumMiddleware` and the authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if request.path_info.startswith(ADMIN_PREFIX) and user is not None and user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        with consortium_scope(request_consortium(request)):
            return self.get_response(request)
