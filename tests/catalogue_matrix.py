"""The catalogue's rows of the permission matrix (merged into tests/test_permissions.MATRIX)
and its POST matrix (tests/test_catalogue_views.py).

Finance staff and administrators keep the catalogue; a commissioning report is its partner's
too (A's answers 404 to B); a partner user lists its own subscriptions.
"""

import datetime

from catalogue.services import catalogue as services
from tests.catalogue_fixtures import build_catalogue

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
OWN_TO_A = (LOGIN, 200, 200, 200, 404, 200)
PARTNERS_ONLY = (LOGIN, 403, 403, 200, 200, 403)
#: An empty form posted: sent back (200) to the roles that may use it.
POST_FORM = MANAGERS_ONLY

CATALOGUE_MATRIX = {
    "catalogue:index": ("get", "catalogue_world", MANAGERS_ONLY),
    "catalogue:service_create": ("get", None, MANAGERS_ONLY),
    "catalogue:service_withdraw": ("get", "catalogue_service", MANAGERS_ONLY),
    "catalogue:catalogue_create": ("get", None, MANAGERS_ONLY),
    "catalogue:catalogue_detail": ("get", "catalogue_voted", MANAGERS_ONLY),
    "catalogue:price_set": ("get", "catalogue_draft", MANAGERS_ONLY),
    "catalogue:catalogue_vote": ("get", "catalogue_draft", MANAGERS_ONLY),
    "catalogue:catalogue_copy": ("get", "catalogue_voted", MANAGERS_ONLY),
    "catalogue:report_create": ("get", None, MANAGERS_ONLY),
    "catalogue:report_detail": ("get", "catalogue_report", OWN_TO_A),
    "catalogue:subscription_create": ("get", "catalogue_report", MANAGERS_ONLY),
    "catalogue:subscription_list": ("get", "catalogue_world", MANAGERS_ONLY),
    "catalogue:my_subscriptions": ("get", "catalogue_world", PARTNERS_ONLY),
    "catalogue:billing": ("get", "catalogue_world", MANAGERS_ONLY),
}

CATALOGUE_POST_MATRIX = {
    name: (key, POST_FORM)
    for name, (_method, key, expected) in CATALOGUE_MATRIX.items()
    if expected == MANAGERS_ONLY and name not in ("catalogue:index", "catalogue:subscription_list",
                                                   "catalogue:catalogue_detail")
}  # fmt: skip


def catalogue_args(world, key: str) -> list[int]:
    """The URL's arguments; every key builds the worked example's catalogue first."""
    built = build_catalogue(world)
    if key == "catalogue_world":
        return []
    if key == "catalogue_service":
        return [built.flat.pk]
    if key == "catalogue_voted":
        return [built.catalogue.pk]
    if key == "catalogue_draft":
        return [services.catalogue_create(consortium=world.consortium, year=2026).pk]
    if key == "catalogue_report":
        assert built.report.signed_on == datetime.date(2025, 3, 15)
        return [built.report.pk]
    raise KeyError(key)
