"""The roles a user can hold. Every view declares which of them may use it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    FINANCE = "finance", _("Service financier du coordonnateur")
    SECRETARY = "secretary", _("Secrétaire de comité")
    PARTNER = "partner", _("Utilisateur partenaire")


ANONYMOUS = "anonymous"

#: Coordinator staff: they see every partner of the consortium.
STAFF = frozenset({Role.ADMIN, Role.FINANCE, Role.SECRETARY})
#: Who manages the consortium's membership records.
MANAGERS = frozenset({Role.ADMIN, Role.FINANCE})
ADMINS = frozenset({Role.ADMIN})
#: Partner users: each acts for its own partner only.
PARTNERS = frozenset({Role.PARTNER})
#: Who records meetings, votes and minutes: the secretaries and the coordinator's administrators.
RECORDERS = frozenset({Role.ADMIN, Role.SECRETARY})
SIGNED_IN = frozenset(Role)
#: Pages anybody may open, signed in or not.
PUBLIC = frozenset({*Role, ANONYMOUS})


def role_of(user) -> str:
    """The role a request's user acts in; superusers act as administrators."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    if user.is_superuser:
        return Role.ADMIN
    return user.role
