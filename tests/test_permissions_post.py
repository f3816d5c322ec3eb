"""Every URL × every role that may not use it, by POST: refused (the login page, 403, 404 or 405)
and nothing written, not one row in any table. The rows come from `test_permissions.MATRIX`, which
fails when a URL pattern has none, so a new URL is covered here as soon as it has its GET row.

Writes are counted over every table, the audit trail included (each change of an audited model
adds an entry), so an update that slips through is seen as well as an insert.
"""

import pytest
from django.apps import apps
from django.urls import reverse

from tests.test_permissions import LOGIN, MATRIX, NEEDS_COPIL, ROLES, _args

REFUSED = (403, 404, 405)
# Pages meant for signed-out visitors: their POST by anonymous is not a refusal.
PUBLIC = ("account_login", "account_signup", "accounts:invitation_accept", "set_language")


def _wrong(name: str, role: str, expected: int) -> bool:
    if name in PUBLIC or name.startswith("admin:"):
        return False
    if role == "anonymous":
        return expected == LOGIN
    return expected in REFUSED


#: url name → the roles that may not use it.
WRONG_ROLES = {
    name: [role for role, status in zip(ROLES, expected, strict=True) if _wrong(name, role, status)]
    for name, (_, _, expected) in MATRIX.items()
}
CASES = [(name, role) for name, roles in WRONG_ROLES.items() for role in roles]


#: Signing each role in and out writes sessions: those are not the writes refused.
NOT_COUNTED = {"sessions.Session"}


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label not in NOT_COUNTED
    }


def test_every_role_is_refused_somewhere_and_every_url_has_a_wrong_role_or_is_public():
    names = {name for name, _ in CASES}
    open_to_all = {
        name
        for name, (_, _, expected) in MATRIX.items()
        if name not in names and name not in PUBLIC and not name.startswith("admin:")
    }
    # Pages every signed-in role may use have anonymous as their wrong role; none is left out.
    assert not open_to_all
    assert {role for _, role in CASES} == set(ROLES)


@pytest.mark.parametrize("name", [name for name, roles in WRONG_ROLES.items() if roles])
def test_a_refused_post_writes_nothing(name, world, users, client, request):
    """One test per URL (the fixtures are what costs), each wrong role in turn."""
    _, key, _ = MATRIX[name]
    copil = request.getfixturevalue("copil") if name.startswith(NEEDS_COPIL) else None
    args = _args(world, users, key, copil)
    url = args if isinstance(args, str) else reverse(name, args=args)
    before = _row_counts()
    for role in WRONG_ROLES[name]:
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        response = client.post(url, {"confirm": "1", "confirmed": "1", "next": "/"})
        if role == "anonymous":
            assert response.status_code == LOGIN, url
            assert response["Location"].startswith("/comptes/login/"), url
        else:
            assert response.status_code in REFUSED, f"{role} POST {url}: {response.status_code}"
        assert _row_counts() == before, f"{role} POST {url} wrote"
