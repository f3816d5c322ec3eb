"""The one access check every view goes through."""

from typing import ClassVar

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from ligeris.lib.roles import ANONYMOUS, role_of


class RoleRequiredMixin(AccessMixin):
    """Refuse the request unless the user's role is in `allowed_roles`.

    Anonymous users are sent to the login page (unless the view is public); a signed-in
    user whose role is not listed gets 403. Which *objects* a role may reach is the
    view's queryset, scoped by the domain selectors, so another partner's object is a 404.
    """

    allowed_roles: ClassVar[frozenset[str]]

    def dispatch(self, request, *args, **kwargs):
        allowed = getattr(self, "allowed_roles", None)
        if not allowed:
            raise ImproperlyConfigured(f"{type(self).__name__} does not declare allowed_roles.")
        role = role_of(request.user)
        if role not in allowed:
            if role == ANONYMOUS:
                return self.handle_no_permission()
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
