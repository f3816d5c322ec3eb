"""The service commitments' rows of the permission matrix (merged into
tests/test_permissions.MATRIX) and its POST matrix (tests/test_commitments_views.py).

Staff read the commitments; finance staff and administrators record; every signed-in user
reads the requests and report, a partner user its own member's (A's request is a 404 to B).
"""

from tests.commitment_fixtures import paris, record, seed_commitments

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200)
OWN_TO_A = (LOGIN, 200, 200, 200, 404, 200)

COMMITMENTS_MATRIX = {
    "commitments:index": ("get", "commitments_seeded", STAFF_ONLY),
    "commitments:commitment_create": ("get", None, MANAGERS_ONLY),
    "commitments:referent_set": ("get", None, MANAGERS_ONLY),
    "commitments:request_list": ("get", "commitments_request_list", SIGNED_IN),
    "commitments:request_create": ("get", "commitments_seeded", MANAGERS_ONLY),
    "commitments:request_detail": ("get", "commitments_request", OWN_TO_A),
    "commitments:request_update": ("get", "commitments_request", MANAGERS_ONLY),
    "commitments:report": ("get", "commitments_request_list", SIGNED_IN),
}

COMMITMENTS_POST_MATRIX = {
    name: (key, MANAGERS_ONLY)
    for name, (_method, key, expected) in COMMITMENTS_MATRIX.items()
    if expected == MANAGERS_ONLY
}


def commitments_args(world, key: str) -> list[int]:
    commitments = seed_commitments(world)
    if key == "commitments_seeded":
        return []
    request = record(world, commitments["support"], paris(2026, 3, 6, 16, 0), subject="Ticket")
    if key == "commitments_request_list":
        return []
    if key == "commitments_request":
        return [request.pk]
    raise KeyError(key)
