"""The purchase-order rows of the permission matrix (merged into tests/test_permissions.MATRIX).

Partner users reach their own partner's orders only (another partner's: 404) and draft, submit
and withdraw them; finance staff and administrators read every order and decide; secretaries
have no business here (403). The POST of every order URL is checked in test_orders_permissions.
"""

from tests.billing_fixtures import build_billing_year
from tests.order_fixtures import draft_order, issued_order, submitted_order

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
READERS = (LOGIN, 200, 403, 200, 200, 200)
OWN_ORDER_OF_A = (LOGIN, 200, 403, 200, 404, 200)
PARTNERS_ONLY = (LOGIN, 403, 403, 200, 200, 403)
PARTNER_A_ONLY = (LOGIN, 403, 403, 200, 404, 403)
POST_PARTNER_A_ONLY = (LOGIN, 403, 403, 302, 404, 403)

ORDERS_MATRIX = {
    "billing:order_list": ("get", None, READERS),
    "billing:order_create": ("get", "order_fiscal_year", PARTNERS_ONLY),
    "billing:order_detail": ("get", "order_submitted_a", OWN_ORDER_OF_A),
    "billing:order_update": ("get", "order_draft_a", PARTNER_A_ONLY),
    "billing:order_submit": ("get", "order_draft_a", PARTNER_A_ONLY),
    "billing:order_withdraw": ("post", "order_draft_a", POST_PARTNER_A_ONLY),
    "billing:order_issue": ("get", "order_submitted_a", MANAGERS_ONLY),
    "billing:order_request_changes": ("get", "order_submitted_a", MANAGERS_ONLY),
    "billing:order_refuse": ("get", "order_submitted_a", MANAGERS_ONLY),
    "billing:order_pdf": ("get", "order_issued_a", OWN_ORDER_OF_A),
    "billing:ordering_period": ("get", "order_year", MANAGERS_ONLY),
}


def order_args(world, key: str) -> list:
    fiscal_year = build_billing_year(world).fiscal_year
    if key == "order_year":
        return [fiscal_year.year]
    if key == "order_fiscal_year":  # the year ordered in, no argument in the URL
        return []
    build = {
        "order_draft_a": draft_order,
        "order_submitted_a": submitted_order,
        "order_issued_a": issued_order,
    }[key]
    return [build(world, fiscal_year).pk]
