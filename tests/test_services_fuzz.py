"""The main services called straight (as imports, commands and tasks call them, no form in
front), with values of the right type and hostile content: every call either succeeds or is
refused with a `ValidationError` whose messages are French, and a refusal writes nothing (the
row count of every table, the audit trail's included, unchanged). Any other exception is what a
view would answer with a server error.

Deterministic (`derandomize`): CI posts `FUZZ_EXAMPLES` (default 10) examples per service;
`FUZZ_EXAMPLES=200` digs deeper by hand.
"""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing.models import (
    AllocationKey,
    CostPool,
    Expense,
    PoolCategory,
    SpreadOn,
    StorageVolume,
    TariffLine,
    TariffLineKind,
)
from billing.services import costs, grids, orders, volumes
from billing.services.orders import LineInput
from governance.services.meetings import meeting_schedule, meeting_update
from partners import contact_changes
from partners import services as partner_services
from partners.models.contacts import ContactKind
from tests.test_permissions_post import _row_counts
from tests.titre_fixtures import issued
from titres.services import payments

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)
PARIS = datetime.timezone(datetime.timedelta(hours=1))

TEXTS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "é" * 400,
            "<script>alert(1)</script>",
            "'; DROP TABLE partners_partner; --",
            "=SUM(A1)",
            "\u200b",
            "Ville\r\nBcc: intrus@example.org",
            "{{ settings.SECRET_KEY }}",
            "١٢٣٤",
        ]
    ),
    st.text(max_size=30),
)
DECIMALS = st.one_of(
    st.sampled_from(
        [
            *(Decimal("0"), Decimal("-1"), Decimal("0.005"), Decimal("1e20"), Decimal("-0.001")),
            *(Decimal("123456789012.345"), Decimal("1E-30"), Decimal("99999999999999999999")),
        ]
    ),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15),
)
DATES = st.one_of(
    st.sampled_from(
        [datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(2026, 2, 28)]
    ),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
)
MOMENTS = DATES.map(lambda day: datetime.datetime(day.year, day.month, day.day, 14, tzinfo=PARIS))

# A message that is not French: Python's or Django's English, a placeholder left unfilled.
ENGLISH = re.compile(
    r"\b(the|is|must|invalid|value|field|cannot|ensure|this|object|none|error)\b|%\(|\{\w+\}",
    re.IGNORECASE,
)


def attempt(call) -> bool:
    """Run the service; True if it wrote, False if it refused (French, nothing written)."""
    before = _row_counts()
    try:
        call()
    except ValidationError as error:
        assert _row_counts() == before, "a refused call left rows behind"
        assert error.messages
        for message in error.messages:
            assert message.strip() and not ENGLISH.search(message), message
        return False
    return True


def test_partner_save(world):
    @FUZZ
    @given(name=TEXTS, short_name=TEXTS, siret=TEXTS, email=TEXTS)
    def run(name, short_name, siret, email):
        partner = type(world.partner_a).objects.get(pk=world.partner_a.pk)
        attempt(
            lambda: partner_services.partner_save(
                partner=partner, name=name, short_name=short_name, siret=siret, billing_email=email
            )
        )

    run()


def test_tenant_create_and_holdings(world):
    partners = [world.partner_a, world.partner_b, world.coordinator]

    @FUZZ
    @given(
        code=TEXTS,
        name=TEXTS,
        opened_on=DATES,
        deployed_on=st.none() | DATES,
        payer=st.sampled_from(partners),
        co_holders=st.lists(st.sampled_from(partners), max_size=3),
    )
    def run(code, name, opened_on, deployed_on, payer, co_holders):
        attempt(
            lambda: partner_services.tenant_create(
                consortium=world.consortium,
                code=code,
                name=name,
                opened_on=opened_on,
                deployed_on=deployed_on,
                payer=payer,
                co_holders=co_holders,
            )
        )

    run()


def test_tariff_line_pool_and_expense(billing_year):
    fiscal_year = billing_year.fiscal_year

    @FUZZ
    @given(
        code=TEXTS,
        label=TEXTS,
        kind=st.sampled_from(TariffLineKind.values),
        amount=DECIMALS,
        key=st.sampled_from(AllocationKey.values),
        category=st.sampled_from(PoolCategory.values),
        spread_on=st.sampled_from(SpreadOn.values),
        day=DATES,
        vendor=TEXTS,
    )
    def run(code, label, kind, amount, key, category, spread_on, day, vendor):
        attempt(
            lambda: grids.tariff_line_save(
                line=TariffLine(grid=fiscal_year.grid),
                code=code,
                label=label,
                kind=kind,
                amount=amount,
                unit=label,
            )
        )
        attempt(
            lambda: costs.pool_save(
                pool=CostPool(fiscal_year=fiscal_year),
                code=code,
                label=label,
                key=key,
                category=category,
                spread_on=spread_on,
                budget_amount=amount,
            )
        )
        attempt(
            lambda: costs.expense_save(
                expense=Expense(pool=billing_year.heb),
                invoice_date=day,
                vendor=vendor,
                contract_lot=label,
                reference=code,
                amount=amount,
            )
        )

    run()


def test_volume_reading(world, billing_year):
    tenants = [world.tenant_a, world.tenant_b, world.tenant_shared, world.tenant_coordinator]

    @FUZZ
    @given(tenant=st.sampled_from(tenants), day=DATES, quantity=TEXTS, unit=TEXTS)
    def run(tenant, day, quantity, unit):
        attempt(
            lambda: volumes.volume_save(
                volume=StorageVolume(),
                consortium=world.consortium,
                tenant=tenant,
                measured_on=day,
                quantity=quantity,
                unit=unit,
            )
        )

    run()


def test_meeting_schedule_and_update(copil):
    @FUZZ
    @given(starts_at=MOMENTS, place=TEXTS, other=MOMENTS)
    def run(starts_at, place, other):
        attempt(lambda: meeting_schedule(body=copil.cotech, starts_at=starts_at, place=place))
        attempt(lambda: meeting_update(meeting=copil.meeting, starts_at=other, place=place))

    run()


def test_payment_record(issued_batch):
    titre = issued(issued_batch)[0]

    @FUZZ
    @given(paid_on=DATES, amount=DECIMALS, reference=TEXTS)
    def run(paid_on, amount, reference):
        attempt(
            lambda: payments.payment_record(
                titre=titre, paid_on=paid_on, amount=amount, reference=reference
            )
        )

    run()


def test_contact_change_propose(world):
    @FUZZ
    @given(
        kind=st.sampled_from([*ContactKind.values, "autre"]),
        email=TEXTS,
        effective_on=DATES,
        first_name=TEXTS,
        last_name=TEXTS,
        phone=TEXTS,
    )
    def run(kind, email, effective_on, first_name, last_name, phone):
        attempt(
            lambda: contact_changes.contact_change_propose(
                partner=world.partner_a,
                kind=kind,
                email=email,
                effective_on=effective_on,
                first_name=first_name,
                last_name=last_name,
                phone=phone,
            )
        )

    run()


def test_purchase_order_save(world, billing_year):
    @FUZZ
    @given(
        reason=TEXTS,
        lines=st.lists(st.builds(LineInput, quantity=DECIMALS, label=TEXTS), max_size=3),
    )
    def run(reason, lines):
        attempt(
            lambda: orders.order_save(
                partner=world.partner_a,
                fiscal_year=billing_year.fiscal_year,
                reason=reason,
                lines=lines,
            )
        )

    run()


@pytest.mark.parametrize("kind", ["cancellation", "reduction"])
def test_titre_correct(issued_batch, kind):
    from titres.services.corrections import titre_correct

    titre = issued(issued_batch)[0]

    @FUZZ
    @given(reason=TEXTS, issue_date=DATES, amount=st.none() | DECIMALS)
    def run(reason, issue_date, amount):
        attempt(
            lambda: titre_correct(
                original=titre, kind=kind, reason=reason, issue_date=issue_date, amount=amount
            )
        )

    run()
