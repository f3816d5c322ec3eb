"""The partner portal's URLs posted by every role: refused by role (403) or by scope (404)
before anything is written; the roles allowed get their form back or their redirect."""

import pytest
from django.urls import reverse

from governance.models import MeetingRequest
from membership.models import DeliberationSubmission
from partners.models import ContactChange
from tests.portal_fixtures import portal_args
from tests.portal_matrix import PORTAL_POST_MATRIX
from tests.test_permissions import ROLES

CASES = [
    (name, role, expected[i])
    for name, (_key, expected) in PORTAL_POST_MATRIX.items()
    for i, role in enumerate(ROLES)
]


def _rows() -> tuple[int, int, int]:
    return (
        MeetingRequest.objects.count(),
        ContactChange.objects.count(),
        DeliberationSubmission.objects.count(),
    )


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{n}-{r}" for n, r, _ in CASES])
def test_post_matrix(name, role, expected, world, users, copil, client_for):
    key, _ = PORTAL_POST_MATRIX[name]
    args = portal_args(world, users, copil, key) if key else []
    before = _rows()
    response = client_for(role).post(reverse(name, args=args), {})
    assert response.status_code == expected, f"{role} POST {name}"
    if expected != 302 or role == "anonymous":
        # A refused post, or an empty form sent back, has written nothing.
        assert _rows() == before
