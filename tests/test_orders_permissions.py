"""Every purchase-order URL posted by every role (the matrix checks their GET): a refused POST
answers 302 to the login page, 403 or 404, and changes nothing."""

import pytest
from django.urls import reverse

from billing.models import OrderingPeriod, PurchaseOrder
from tests.orders_matrix import ORDERS_MATRIX, order_args
from tests.test_permissions import ROLES

LOGIN = 302
# A POST the role may make: the page again with the form's errors (200) or done (302).
POSTS = {
    "billing:order_list": (LOGIN, 405, 403, 405, 405, 405),
    "billing:order_create": (LOGIN, 403, 403, 200, 200, 403),
    "billing:order_detail": (LOGIN, 405, 403, 405, 405, 405),  # read-only pages
    "billing:order_update": (LOGIN, 403, 403, 200, 404, 403),
    "billing:order_submit": (LOGIN, 403, 403, 200, 404, 403),
    "billing:order_withdraw": (LOGIN, 403, 403, 302, 404, 403),
    "billing:order_issue": (LOGIN, 200, 403, 403, 403, 200),
    "billing:order_request_changes": (LOGIN, 200, 403, 403, 403, 200),
    "billing:order_refuse": (LOGIN, 200, 403, 403, 403, 200),
    "billing:order_pdf": (LOGIN, 405, 403, 405, 405, 405),
    "billing:ordering_period": (LOGIN, 200, 403, 403, 403, 200),
}
CASES = [(name, role, POSTS[name][i]) for name in POSTS for i, role in enumerate(ROLES)]


def test_every_order_url_has_a_post_row():
    assert set(POSTS) == set(ORDERS_MATRIX)


def _state():
    return (
        list(PurchaseOrder.objects.order_by("pk").values_list("state", "number", "reason")),
        OrderingPeriod.objects.count(),
    )


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{n}-{r}" for n, r, _ in CASES])
def test_posting_an_order_url(name, role, expected, world, users, client_for):
    key = ORDERS_MATRIX[name][1]
    args = order_args(world, key) if key else []
    before = _state()
    response = client_for(role).post(reverse(name, args=args), {})
    assert response.status_code == expected, f"{role} POST {name}"
    if expected != 302:  # an empty form is refused; a refused role changes nothing
        assert _state() == before
