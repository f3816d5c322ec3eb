"""The exclusion rows of the permission matrix (merged into tests/test_permissions.MATRIX).

Managers write; every staff role reads; a partner user reaches its own decided case (its letter
and deadline) and gets 404 on another partner's.
"""

import datetime

from membership.models import ExclusionGround
from membership.services import exclusion as services
from tests.exclusion_fixtures import decided_case_of_a

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 200)
OWN_TO_A = (LOGIN, 200, 200, 200, 404, 200)

EXCLUSION_MATRIX = {
    "membership:exclusion_list": ("get", None, STAFF_ONLY),
    "membership:exclusion_create": ("get", None, MANAGERS_ONLY),
    "membership:exclusion_detail": ("get", "exclusion_of_a", OWN_TO_A),
    "membership:exclusion_schedule": ("get", "exclusion_open_of_b", MANAGERS_ONLY),
    "membership:exclusion_letter": ("get", "exclusion_of_a", MANAGERS_ONLY),
    "membership:exclusion_letter_pdf": ("get", "exclusion_of_a", OWN_TO_A),
    "membership:exclusion_receipt": ("get", "exclusion_of_a", MANAGERS_ONLY),
    "membership:exclusion_costs": ("get", "exclusion_of_a", MANAGERS_ONLY),
}


def exclusion_args(world, key: str) -> list[int]:
    if key == "exclusion_of_a":
        return [decided_case_of_a(world, received_on=datetime.date(2026, 6, 22)).pk]
    case = services.exclusion_open(
        partner=world.partner_b, ground=ExclusionGround.OTHER, breach="Manquement"
    )
    return [case.pk]
