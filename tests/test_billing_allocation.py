"""The pure allocation engine: worked examples computed by hand, and its properties."""

import datetime
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from billing.allocation import (
    DIRECT,
    EQUAL_PER_MEMBER,
    PER_TENANT,
    STAFF_TIME,
    STORAGE_VOLUME,
    AllocationError,
    MemberInput,
    PoolInput,
    TenantInput,
    allocate,
    billable_months,
    split_cents,
    staff_time_amount,
)
from titres.money import format_euros, format_megabytes, from_cents, round_money, to_cents

D = datetime.date
TB = 1_000_000  # megabytes in a terabyte


# --- proration ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opened", "closed", "months"),
    [
        (D(2024, 1, 1), None, 12),  # open all year
        (D(2026, 3, 15), None, 9),  # opened 15 March: billed from 1 April
        (D(2026, 3, 1), None, 10),  # opened on the first: March is a whole month
        (D(2026, 12, 20), None, 0),  # opened in December: nothing this year
        (D(2024, 1, 1), D(2026, 6, 10), 6),  # closed 10 June: billed to the end of June
        (D(2026, 2, 15), D(2026, 4, 30), 2),  # March and April
        (D(2024, 1, 1), D(2025, 12, 31), 0),  # closed before the year
        (D(2027, 1, 1), None, 0),  # not yet open
    ],
)
def test_billable_months(opened, closed, months):
    assert billable_months(opened, closed, 2026) == months


def test_staff_time_is_capped_at_the_grid_maximum():
    assert staff_time_amount(
        days=Decimal(30), day_rate=Decimal("450.00"), cap=Decimal("12000")
    ) == Decimal("12000.00")
    assert staff_time_amount(
        days=Decimal("10.5"), day_rate=Decimal("450.00"), cap=Decimal("12000")
    ) == Decimal("4725.00")
    assert staff_time_amount(days=Decimal(3), day_rate=Decimal("0.335"), cap=None) == Decimal(
        "1.01"
    )


def test_one_rounding_rule_half_up():
    assert round_money(Decimal("0.005")) == Decimal("0.01")
    assert round_money(Decimal("2.675")) == Decimal("2.68")
    assert to_cents(Decimal("10.005")) == 1001
    assert from_cents(-1234) == Decimal("-12.34")
    assert format_euros(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
    assert format_megabytes(1_250_000, unit_of=14_300_000) == "1,25\u00a0To"
    assert format_megabytes(830_000) == "830,00\u00a0Go"


# --- a worked example, computed by hand -----------------------------------------------------------
#
# Five tenants in 2026. blaisois is shared by Blois (A) and Agglopolys (B), B pays; cd37 is the
# coordinator's; tours opened on 15 March 2026 (9 billable months) and had no volume on 1 January.
#   blois     payer A            12 months   1.25 TB
#   agglo     payer B            12 months   3.00 TB
#   blaisois  payer B (shared)   12 months   2.05 TB
#   cd37      payer C (coord.)   12 months   8.00 TB
#   tours     payer A            9 months    —
# Tenant-months: 4 × 12 + 9 = 57. Volume: 14.30 TB.

TENANTS = [
    TenantInput("blois", "A", 12, 1_250_000),
    TenantInput("agglo", "B", 12, 3_000_000),
    TenantInput("blaisois", "B", 12, 2_050_000),
    TenantInput("cd37", "C", 12, 8_000_000),
    TenantInput("tours", "A", 9, 0),
]
MEMBERS = [
    MemberInput("C", "Indre-et-Loire"),
    MemberInput("A", "Blois"),
    MemberInput("B", "Agglopolys"),
]


def _by_tenant(shares, pool):
    return {s.tenant: from_cents(s.cents) for s in shares if s.pool == pool}


def test_worked_example_per_tenant_pool():
    # 10 000,00 € on 57 tenant-months. A full-year tenant: 1 000 000 c × 12 / 57 = 210 526 c
    # remainder 18/57; tours: 1 000 000 × 9 / 57 = 157 894 c remainder 42/57. Floors sum to
    # 999 998 c: the 2 cents left go to tours (42) then, the four others tied at 18, to the
    # first tenant code: agglo.
    pool = PoolInput("HEB", PER_TENANT, 1_000_000)
    shares = allocate([pool], TENANTS, MEMBERS)
    assert _by_tenant(shares, "HEB") == {
        "agglo": Decimal("2105.27"),
        "blaisois": Decimal("2105.26"),
        "blois": Decimal("2105.26"),
        "cd37": Decimal("2105.26"),
        "tours": Decimal("1578.95"),
    }
    tours = next(s for s in shares if s.tenant == "tours")
    assert (tours.months, tours.base, tours.base_total) == (9, 9, 57)


def test_worked_example_volume_pool():
    # 10 000,00 € on 14.30 TB: blois 874.1258…, agglo 2 097.9020…, blaisois 1 433.5664…,
    # cd37 5 594.4055… → floors sum to 9 999.98; the 2 cents left go to the largest
    # remainders: blaisois (0.64 c) and blois (0.59 c). tours had no volume: no share.
    pool = PoolInput("VOL", STORAGE_VOLUME, 1_000_000)
    shares = allocate([pool], TENANTS, MEMBERS)
    assert _by_tenant(shares, "VOL") == {
        "agglo": Decimal("2097.90"),
        "blaisois": Decimal("1433.57"),
        "blois": Decimal("874.13"),
        "cd37": Decimal("5594.40"),
    }
    blois = next(s for s in shares if s.tenant == "blois")
    assert (blois.base, blois.base_total) == (1_250_000, 14_300_000)
    assert format_megabytes(blois.base, unit_of=blois.base_total) == "1,25\u00a0To"


def test_worked_example_capped_staff_time_pool():
    # 30 days × 450 € = 13 500 €, capped at 12 000 €; then per tenant on 57 tenant-months:
    # full year 1 200 000 × 12 / 57 = 252 631 c remainder 33/57; tours 189 473 c remainder
    # 39/57. Floors sum to 1 199 997 c: 3 cents to tours, then agglo and blaisois.
    amount = staff_time_amount(days=Decimal(30), day_rate=Decimal(450), cap=Decimal(12000))
    assert amount == Decimal("12000.00")
    pool = PoolInput("RH", STAFF_TIME, to_cents(amount))
    shares = allocate([pool], TENANTS, MEMBERS)
    assert _by_tenant(shares, "RH") == {
        "agglo": Decimal("2526.32"),
        "blaisois": Decimal("2526.32"),
        "blois": Decimal("2526.31"),
        "cd37": Decimal("2526.31"),
        "tours": Decimal("1894.74"),
    }


def test_worked_example_members_and_direct_and_payers():
    pools = [
        PoolInput("INST", EQUAL_PER_MEMBER, 100_000),  # 1 000,00 € among 3 members
        PoolInput("MIG", DIRECT, 250_000, direct_tenant="tours"),
        PoolInput("PEN", PER_TENANT, -57_00),  # a penalty received: 57 € back, 1 € a month
    ]
    shares = allocate(pools, TENANTS, MEMBERS)
    members = {s.partner: from_cents(s.cents) for s in shares if s.pool == "INST"}
    # 100 000 c / 3: 33 333 c each, the cent left to the first sort name, Agglopolys (B).
    assert members == {"B": Decimal("333.34"), "A": Decimal("333.33"), "C": Decimal("333.33")}
    assert [(s.tenant, s.partner, s.cents) for s in shares if s.pool == "MIG"] == [
        ("tours", "A", 250_000)
    ]
    penalty = _by_tenant(shares, "PEN")
    assert penalty["tours"] == Decimal("-9.00")
    assert penalty["blois"] == Decimal("-12.00")
    # The shared tenant is owed by its payer, B; the coordinator's tenant by the coordinator.
    payers = {s.tenant: s.partner for s in shares if s.pool == "PEN"}
    assert payers["blaisois"] == "B"
    assert payers["cd37"] == "C"


def test_nothing_to_allocate_on_is_an_error():
    with pytest.raises(AllocationError) as error:
        allocate([PoolInput("VOL", STORAGE_VOLUME, 100)], [TenantInput("x", "A", 12, 0)], [])
    assert error.value.code == "no_recipient"
    with pytest.raises(AllocationError):
        allocate([PoolInput("MIG", DIRECT, 100, direct_tenant="nope")], TENANTS, MEMBERS)


# --- properties ------------------------------------------------------------------------------------

codes = st.text(alphabet="abcdefghij0123456789-", min_size=1, max_size=8)
tenant_lists = st.lists(
    st.tuples(codes, st.integers(0, 12), st.integers(0, 50_000_000)),
    min_size=1,
    max_size=40,
    unique_by=lambda t: t[0],
).filter(lambda ts: any(m > 0 and v > 0 for _, m, v in ts))
amounts = st.integers(min_value=0, max_value=10**13)


@settings(max_examples=200, deadline=None)
@given(
    tenants=tenant_lists,
    amount=amounts,
    key=st.sampled_from([PER_TENANT, STORAGE_VOLUME, STAFF_TIME]),
    seed=st.integers(0, 2**16),
)
def test_tenant_shares_properties(tenants, amount, key, seed):
    inputs = [TenantInput(code, "P", months, volume) for code, months, volume in tenants]
    pool = PoolInput("X", key, amount)
    shares = allocate([pool], inputs, [])
    # Sum to the pool to the cent, never negative.
    assert sum(s.cents for s in shares) == amount
    assert all(s.cents >= 0 for s in shares)
    # Within one cent of the exact proportional value.
    total_weight = sum(s.weight for s in shares)
    for share in shares:
        exact = Fraction(amount * share.weight, total_weight)
        assert abs(share.cents - exact) < 1
    # Independent of the order of the inputs.
    shuffled = inputs[:]
    random.Random(seed).shuffle(shuffled)
    assert allocate([pool], shuffled, []) == shares


@settings(max_examples=200, deadline=None)
@given(
    weights=st.lists(st.integers(1, 10**6), min_size=1, max_size=60),
    total=st.integers(-(10**12), 10**12),
)
def test_split_cents_properties(weights, total):
    keys = [f"t{i:03d}" for i in range(len(weights))]
    cents = split_cents(total, weights, keys)
    assert sum(cents) == total
    weight_total = sum(weights)
    for share, weight in zip(cents, weights, strict=True):
        assert abs(share - Fraction(total * weight, weight_total)) < 1
        assert share * total >= 0  # same sign as the pool
    pairs = list(zip(weights, keys, strict=True))
    random.Random(total).shuffle(pairs)
    reordered = split_cents(total, [w for w, _ in pairs], [k for _, k in pairs])
    assert dict(zip([k for _, k in pairs], reordered, strict=True)) == dict(
        zip(keys, cents, strict=True)
    )


@settings(max_examples=100, deadline=None)
@given(
    names=st.lists(codes, min_size=1, max_size=25, unique=True),
    amount=amounts,
)
def test_member_shares_properties(names, amount):
    members = [MemberInput(str(i), name) for i, name in enumerate(names)]
    shares = allocate([PoolInput("M", EQUAL_PER_MEMBER, amount)], [], members)
    assert sum(s.cents for s in shares) == amount
    assert max(s.cents for s in shares) - min(s.cents for s in shares) <= 1
    assert allocate([PoolInput("M", EQUAL_PER_MEMBER, amount)], [], members[::-1]) == shares


@settings(max_examples=200, deadline=None)
@given(
    members=st.lists(
        st.tuples(codes, st.integers(0, 12)), min_size=1, max_size=25, unique_by=lambda m: m[0]
    ),
    amount=amounts,
    seed=st.integers(0, 2**16),
)
def test_member_shares_by_months_properties(members, amount, seed):
    """Months of membership weigh the equal share (a leaver's 8/12); the pool still sums."""
    inputs = [MemberInput(str(i), name, months) for i, (name, months) in enumerate(members)]
    pool = PoolInput("M", EQUAL_PER_MEMBER, amount)
    if not any(m.months for m in inputs):
        with pytest.raises(AllocationError):
            allocate([pool], [], inputs)
        return
    shares = allocate([pool], [], inputs)
    assert sum(s.cents for s in shares) == amount
    assert all(s.cents >= 0 for s in shares)
    by_key = {m.key: m for m in inputs}
    assert all(by_key[s.partner].months > 0 for s in shares)  # no month, no share
    months_total = sum(m.months for m in inputs)
    for share in shares:
        months = by_key[share.partner].months
        assert share.weight == months and share.weight_total == months_total
        assert abs(share.cents - Fraction(amount * months, months_total)) < 1
        assert share.months == (months if months < 12 else None)
    # Members with the same months differ by at most one cent.
    for months in {m.months for m in inputs if m.months}:
        same = [s.cents for s in shares if by_key[s.partner].months == months]
        assert max(same) - min(same) <= 1
    shuffled = inputs[:]
    random.Random(seed).shuffle(shuffled)
    assert allocate([pool], [], shuffled) == shares


def test_worked_example_member_who_left_in_august():
    # 3 000,00 € among C and B (12 months) and A (withdrawn on 10 August: 8 months): 32.
    # 300 000 c × 8/32 = 75 000 c; × 12/32 = 112 500 c: no cent left over.
    members = [MemberInput("C", "Indre-et-Loire"), MemberInput("A", "Blois", 8)]
    members.append(MemberInput("B", "Agglopolys"))
    shares = allocate([PoolInput("INST", EQUAL_PER_MEMBER, 300_000)], [], members)
    assert {s.partner: s.cents for s in shares} == {"A": 75_000, "B": 112_500, "C": 112_500}
    # Ties: 100,00 € among three 8-month members → 3 333,33… c each; the cent left over goes to
    # the first sort name.
    tied = [MemberInput(k, name, 8) for k, name in (("1", "b"), ("2", "a"), ("3", "c"))]
    shares = allocate([PoolInput("T", EQUAL_PER_MEMBER, 10_000)], [], tied)
    assert {s.partner: s.cents for s in shares} == {"2": 3334, "1": 3333, "3": 3333}


def test_a_direct_charge_reaches_a_partner_outside_the_members():
    """A withdrawn partner's fees: it is not among the members sharing the other pools."""
    pool = PoolInput("RET", DIRECT, 150_000, direct_partner="X")
    shares = allocate([pool], TENANTS, MEMBERS)
    assert [(s.partner, s.cents) for s in shares] == [("X", 150_000)]


@settings(max_examples=100, deadline=None)
@given(
    tenants=tenant_lists,
    names=st.lists(codes, min_size=1, max_size=10, unique=True),
    amounts=st.lists(st.integers(-(10**9), 10**9), min_size=5, max_size=5),
    seed=st.integers(0, 2**16),
)
def test_a_whole_run_sums_per_pool_and_ignores_order(tenants, names, amounts, seed):
    members = [MemberInput(str(i), name) for i, name in enumerate(names)]
    inputs = [
        TenantInput(code, members[i % len(members)].key, months, volume)
        for i, (code, months, volume) in enumerate(tenants)
    ]
    direct = next(t.code for t in inputs)
    pools = [
        PoolInput("a", PER_TENANT, amounts[0]),
        PoolInput("b", STORAGE_VOLUME, amounts[1]),
        PoolInput("c", STAFF_TIME, amounts[2]),
        PoolInput("d", EQUAL_PER_MEMBER, amounts[3]),
        PoolInput("e", DIRECT, amounts[4], direct_tenant=direct),
    ]
    shares = allocate(pools, inputs, members)
    for pool in pools:
        assert sum(s.cents for s in shares if s.pool == pool.code) == pool.amount_cents
    rng = random.Random(seed)
    shuffled_tenants, shuffled_members = inputs[:], members[:]
    rng.shuffle(shuffled_tenants)
    rng.shuffle(shuffled_members)
    assert allocate(pools, shuffled_tenants, shuffled_members) == shares
