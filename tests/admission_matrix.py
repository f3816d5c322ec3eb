"""The admission rows of the permission matrix (merged into tests/test_permissions.MATRIX).

Managers write, staff read; partner users have no access (403 by role).
"""

from django.utils import timezone

from tests.admission_fixtures import build_admission

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
POST_MANAGERS = (LOGIN, 302, 403, 403, 403, 302)
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 200)

ADMISSION_MATRIX = {
    "membership:candidacy_list": ("get", None, STAFF_ONLY),
    "membership:candidacy_create": ("get", None, MANAGERS_ONLY),
    "membership:candidacy_detail": ("get", "admission_candidacy", STAFF_ONLY),
    "membership:candidacy_update": ("get", "admission_candidacy", MANAGERS_ONLY),
    "membership:requested_tenant_create": ("get", "admission_candidacy", MANAGERS_ONLY),
    "membership:requested_tenant_remove": ("post", "admission_requested", POST_MANAGERS),
    "membership:candidacy_put_to_copil": ("get", "admission_candidacy", MANAGERS_ONLY),
    "membership:candidacy_simulation": ("get", "admission_candidacy", STAFF_ONLY),
    "membership:candidacy_simulation_xlsx": ("get", "admission_candidacy", STAFF_ONLY),
    "membership:candidacy_simulation_pdf": ("get", "admission_candidacy", STAFF_ONLY),
}


def admission_args(world, key: str) -> list[int]:
    # This year's fiscal year: the simulation's default year is found whatever the day.
    candidacy = build_admission(world, year=timezone.localdate().year).candidacy
    if key == "admission_requested":
        return [candidacy.requested_tenants.get().pk]
    return [candidacy.pk]
