"""Reads on users: who to tell about one consortium's business."""

from collections.abc import Iterable

from django.db.models import Q

from accounts.models import User


def staff_addresses(consortium_id: int, roles: Iterable[str]) -> list[str]:
    """The e-mail addresses of the active users in `roles` who work for the consortium
    (superusers work for all): another consortium's staff never hear of it."""
    users = User.objects.filter(is_active=True, role__in=list(roles)).filter(
        Q(consortia=consortium_id) | Q(is_superuser=True)
    )
    return sorted(set(users.values_list("email", flat=True)))
