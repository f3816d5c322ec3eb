"""The permission matrix's "staff of another consortium": every URL of tests/test_permissions.py,
asked by finance or a secretary who works for another consortium only.

An object of the world's consortium answers 404; a page without an object answers as it does
to the world's own staff (or 404 when the other consortium lacks what it needs) and shows none
of the world's rows. Administrators are superusers: they work for every consortium.
"""

import pytest
from django.urls import reverse

from ligeris.lib.roles import Role
from tests.factories import ConsortiumFactory, UserFactory
from tests.test_permissions import MATRIX, NEEDS_COPIL, ROLES, _args

FORBIDDEN = 403
#: Rows whose object is no consortium's: an invitation token, the language.
NOT_SCOPED = ("accounts:invitation_accept", "set_language", "admin:", "account_")
#: What the world's consortium shows and no other consortium has.
WORLD_ROWS = ("Ville de Blois", "Agglopolys", "blaisois")


def _asker(expected) -> str | None:
    for role in ("finance", "secretary"):
        if expected[ROLES.index(role)] != FORBIDDEN:
            return role
    return None


CASES = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name, (_, _, expected) in MATRIX.items()
    if not name.startswith(NOT_SCOPED) and (role := _asker(expected)) is not None
]


@pytest.fixture
def other_staff(world):
    other = ConsortiumFactory(name="GIP RECIA", short_name="RECIA")
    return {
        role: UserFactory(email=f"{role}@recia.example.org", role=role, consortia=[other])
        for role in (Role.FINANCE, Role.SECRETARY)
    }


@pytest.mark.parametrize(("name", "role"), CASES)
def test_staff_of_another_consortium(name, role, world, users, other_staff, client, request):
    method, key, expected = MATRIX[name]
    copil = request.getfixturevalue("copil") if name.startswith(NEEDS_COPIL) else None
    args = _args(world, users, key, copil)
    url = args if isinstance(args, str) else reverse(name, args=args)
    client.force_login(other_staff[role])
    response = getattr(client, method)(url, {})
    if args not in ([], None):  # an object's URL (a key with no args only seeds a list's rows)
        assert response.status_code == 404, f"{role} of another consortium {method} {url}"
        return
    own = expected[ROLES.index(role)]
    assert response.status_code in (own, 404), f"{role} of another consortium {method} {url}"
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        text = response.content.decode()
        leaked = [row for row in WORLD_ROWS if row in text]
        assert not leaked, f"{url} shows another consortium's {leaked}"
