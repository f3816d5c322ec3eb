"""Every main form, posted anything a hurried or hostile user could type: never a server error.

The forms are read from the pages themselves (the permission matrix's URLs that show a form), so
a new form is fuzzed as soon as it has its matrix row.
"""

import os

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.orders_matrix import PARTNER_A_ONLY
from tests.portal_matrix import PARTNERS_ONLY
from tests.test_permissions import MANAGERS_ONLY, MATRIX, NEEDS_COPIL, RECORDERS_ONLY, _args

_FUZZER = {
    MANAGERS_ONLY: "finance",
    RECORDERS_ONLY: "secretary",
    PARTNERS_ONLY: "partner_a",
    PARTNER_A_ONLY: "partner_a",
}
FORM_PAGES = [
    (name, _FUZZER[expected])
    for name, (method, _key, expected) in MATRIX.items()
    if method == "get" and expected in _FUZZER
]

VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1 234,56",
            "1234.56",
            "10,50",
            "1e400",
            "NaN",
            "99999999999999999999",
            "31/02/2026",
            "2026-13-01",
            "01/01/0001",
            "9999-12-31",
            "14:00",
            "25:61",
            "'; DROP TABLE partners_partner; --",
            "<script>alert(1)</script>",
            "=SUM(A1)",
            "\x00",
            "é" * 400,
            "on",
            "¹²³",  # digits to str.isdigit(), not to int()
            "١٢٣٤",  # Arabic-Indic digits: int() takes them, a SIRET must not
            "\u200b1",
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)

# CI posts a dozen examples per form; `FUZZ_EXAMPLES=300 make test` digs deeper by hand.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


@pytest.mark.parametrize(("name", "role"), FORM_PAGES, ids=[name for name, _ in FORM_PAGES])
def test_a_form_never_answers_a_server_error(name, role, world, users, client_for, request):
    copil = request.getfixturevalue("copil") if name.startswith(NEEDS_COPIL) else None
    url = reverse(name, args=_args(world, users, MATRIX[name][1], copil))
    client = client_for(role)
    page = client.get(url)
    form = page.context.get("form") if page.context else None
    if form is None:
        pytest.skip("no form on this page")

    # The objects are built once; each example posts to the same page (what an example saves
    # stays, as a user's earlier submissions would).
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(payload=st.fixed_dictionaries({}, optional=dict.fromkeys(form.fields, VALUES)))
    def post(payload):
        response = client.post(url, payload)
        # 405: a page whose form is a GET filter (the titre list) takes no POST.
        assert response.status_code in (200, 302, 404, 405, 422), (
            url,
            payload,
            response.status_code,
        )

    post()


@pytest.mark.parametrize("key", ["9223372036854775808", "-1", "1.5", "abc", " 7"])
def test_a_multiple_choice_refuses_a_key_out_of_range_before_any_query(world, client_for, key):
    response = client_for("finance").post(
        reverse("partners:tenant_create"),
        {
            "code": "neuf",
            "name": "Neuf",
            "opened_on": "2026-01-01",
            "payer": world.partner_a.pk,
            "co_holders": [key],
        },
    )
    assert response.status_code == 200
    assert "co_holders" in response.context["form"].errors
