"""Amounts typed the French way: one field class, parsed whatever the request's language."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from billing.forms import CostPoolForm, PaymentForm
from billing.models import RunKind
from billing.services import runs
from ligeris.lib.forms import DecimalInput, FrenchDecimalField, format_decimal, parse_decimal
from tests.billing_matrix import issued_batch
from tests.browser_fixtures import log_in
from titres.models import Payment, RevenueTitle


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1 234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        (" 10,50 ", "10.50"),
        ("10,5", "10.5"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("12 345 678,9", "12345678.9"),
        ("-3,20", "-3.20"),
        (",5", "0.5"),
        ("7", "7"),
    ],
)
def test_amounts_typed_in_every_usual_way(typed, value):
    assert parse_decimal(typed) == Decimal(value)


@pytest.mark.parametrize(
    "typed", ["abc", "1.234.567", "1,2,3", "10,50 €", "NaN", "Infinity", "1e5", "--1", "1 2,3,4"]
)
def test_what_is_not_an_amount_is_refused_in_french(typed):
    with pytest.raises(ValidationError) as error:
        parse_decimal(typed)
    assert "n'est pas un montant" in str(error.value.message % error.value.params)


@given(st.decimals(min_value=-(10**11), max_value=10**11, places=2, allow_nan=False))
def test_what_is_shown_reads_back_as_the_same_amount(value):
    assert parse_decimal(format_decimal(value, 2)) == value


@given(st.text(max_size=40))
def test_any_text_is_an_amount_or_a_french_refusal(text):
    try:
        value = parse_decimal(text)
    except ValidationError as error:
        assert error.code == "invalid"
    else:
        assert value.is_finite()


def test_decimal_fields_are_text_inputs_with_a_decimal_keypad(world):
    form = CostPoolForm(consortium=world.consortium)
    field = form.fields["budget_amount"]
    assert isinstance(field, FrenchDecimalField)
    html = str(form["budget_amount"])
    assert 'type="text"' in html and 'inputmode="decimal"' in html
    assert "step" not in html and 'type="number"' not in html
    assert DecimalInput(places=2).format_value(Decimal("1234.5")) == "1\u202f234,50"


def test_a_payment_typed_with_a_comma_is_never_a_hundred_times_larger(settings, db):
    settings.LANGUAGE_CODE = "en"
    form = PaymentForm(data={"paid_on": "2026-02-01", "amount": "10,50", "reference": "x"})
    form.is_valid()
    assert form.cleaned_data["amount"] == Decimal("10.50")
    form = PaymentForm(data={"paid_on": "2026-02-01", "amount": "10,505", "reference": "x"})
    assert not form.is_valid()
    assert "amount" in form.errors


@pytest.fixture
def titre_a(world, billing_year):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    return RevenueTitle.objects.get(batch=issued_batch(world, run), tenant=world.tenant_a)


@pytest.mark.parametrize(("typed", "stored"), [("1 234,56", "1234.56"), ("1234.56", "1234.56")])
def test_the_payment_form_stores_what_was_typed(titre_a, client_for, typed, stored):
    client = client_for("finance")
    url = reverse("billing:payment_create", args=[titre_a.pk])
    day = titre_a.issued_on.isoformat()
    response = client.post(url, {"paid_on": day, "amount": typed, "reference": "P503"})
    assert response.status_code == 302
    assert Payment.objects.get().amount == Decimal(stored)


@pytest.mark.browser
def test_in_chromium_an_amount_typed_with_a_comma_is_stored_as_typed(
    transactional_db, live_server, world, billing_year, users, browser, page
):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    titre = RevenueTitle.objects.get(batch=issued_batch(world, run), tenant=world.tenant_a)
    log_in(page, live_server.url, users["finance"].email)
    page.goto(f"{live_server.url}{titre.get_absolute_url()}")
    form = page.locator(f"form[action='{reverse('billing:payment_create', args=[titre.pk])}']")
    form.locator("input[name=paid_on]").fill(titre.issued_on.isoformat())
    amount = form.locator("input[name=amount]")
    amount.fill("")  # it offers the balance, shown the French way
    amount.press_sequentially("10,50")
    form.locator("input[name=reference]").fill("P503-CHROMIUM")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert "Le paiement a été enregistré" in page.locator(".messages").inner_text()
    assert Payment.objects.get(reference="P503-CHROMIUM").amount == Decimal("10.50")
