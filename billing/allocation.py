"""The allocation engine: pure, typed functions on plain dataclasses (no database, no Django).

A pool's amount is split in cents by largest remainder: every recipient first gets the floor of
its exact proportional share, then the cents left over go one each to the largest remainders,
ties broken by tenant code (partner sort name for member-level pools). The shares therefore sum
exactly to the pool, are never negative for a non-negative pool, do not depend on the order of
the inputs, and each is within one cent of its exact proportional value.

Weights are integers so that the arithmetic is exact and fast:
- per tenant and staff time: the tenant's billable months in the year (0 to 12);
- storage volume: megabytes on 1 January × billable months;
- equal per member: the member's months of membership in the year (12 for a whole year, 8 for a
  partner whose withdrawal takes effect on 10 August: same rule as a tenant's billable months);
- direct: the one tenant or partner gets everything.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from titres.money import round_money, split_cents, to_cents

EQUAL_PER_MEMBER = "equal_member"
PER_TENANT = "per_tenant"
STORAGE_VOLUME = "volume"
STAFF_TIME = "staff_time"
DIRECT = "direct"
KEYS = (EQUAL_PER_MEMBER, PER_TENANT, STORAGE_VOLUME, STAFF_TIME, DIRECT)
TENANT_KEYS = (PER_TENANT, STORAGE_VOLUME, STAFF_TIME)


class AllocationError(ValueError):
    """The inputs cannot be allocated (no recipient, a direct target that does not exist…)."""

    def __init__(self, code: str, pool: str, detail: str = "") -> None:
        super().__init__(f"{code}: {pool} {detail}".strip())
        self.code = code
        self.pool = pool
        self.detail = detail


@dataclass(frozen=True, slots=True)
class TenantInput:
    code: str
    payer: str  # the key of the partner who pays for the tenant
    months: int  # billable months in the fiscal year, 0 to 12
    volume_mb: int = 0  # storage volume on 1 January, in megabytes


@dataclass(frozen=True, slots=True)
class MemberInput:
    key: str  # the partner's key (its primary key as text)
    sort_name: str  # breaks ties between members
    months: int = 12  # months of membership in the fiscal year, 0 to 12


@dataclass(frozen=True, slots=True)
class PoolInput:
    code: str
    key: str
    amount_cents: int  # may be negative (a penalty received from a vendor is passed on)
    direct_tenant: str | None = None
    direct_partner: str | None = None


@dataclass(frozen=True, slots=True)
class ShareResult:
    pool: str
    tenant: str | None  # None for member-level shares
    partner: str  # who owes it: the tenant's payer, or the member
    cents: int
    base: int  # the recipient's measure: months, megabytes, 1 member…
    base_total: int  # the same measure summed over the pool's recipients
    weight: int  # base × months for tenant keys, months of membership for members, 1 direct
    weight_total: int
    months: int | None


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def billable_months(opened_on: datetime.date, closed_on: datetime.date | None, year: int) -> int:
    """Months of `year` a tenant is billed for (DESIGN §5).

    From the first day of the month after it opens (opened 15 March → April, 9 months; a
    tenant opened on the first of a month is billed for that whole month) to the end of the
    month it closes.
    """
    first = _month_index(opened_on) + (0 if opened_on.day == 1 else 1)
    last = _month_index(closed_on) if closed_on is not None else year * 12 + 11
    return max(0, min(last, year * 12 + 11) - max(first, year * 12) + 1)


def staff_time_amount(*, days: Decimal, day_rate: Decimal, cap: Decimal | None) -> Decimal:
    """Days × day rate, capped at the grid's annual maximum (article 7, annex 1)."""
    amount = round_money(days * day_rate)
    return min(amount, round_money(cap)) if cap is not None else amount


def cap_together(amounts: Sequence[int], cap: int, tie_keys: Sequence[str]) -> list[int]:
    """Amounts in cents that together stay within one cap (the staff-time maximum of annex 1,
    one yearly amount for all the coordinator's staff time, whatever the number of pools).

    Under the cap they are unchanged; above it they are brought down to it in proportion, by
    largest remainder (ties by `tie_keys`), so that they sum exactly to the cap.
    """
    weights = [max(amount, 0) for amount in amounts]
    if sum(weights) <= cap:
        return list(amounts)
    return split_cents(max(cap, 0), weights, tie_keys)


def _tenant_shares(pool: PoolInput, tenants: Sequence[TenantInput]) -> list[ShareResult]:
    volume = pool.key == STORAGE_VOLUME
    recipients = [t for t in tenants if t.months > 0 and (not volume or t.volume_mb > 0)]
    if not recipients:
        raise AllocationError("no_recipient", pool.code)
    bases = [t.volume_mb if volume else 1 for t in recipients]
    weights = [base * t.months for base, t in zip(bases, recipients, strict=True)]
    cents = split_cents(pool.amount_cents, weights, [t.code for t in recipients])
    base_total = sum(bases) if volume else sum(t.months for t in recipients)
    weight_total = sum(weights)
    return [
        ShareResult(
            pool=pool.code,
            tenant=t.code,
            partner=t.payer,
            cents=c,
            base=base if volume else t.months,
            base_total=base_total,
            weight=w,
            weight_total=weight_total,
            months=t.months,
        )
        for t, base, w, c in zip(recipients, bases, weights, cents, strict=True)
    ]


def _member_shares(pool: PoolInput, members: Sequence[MemberInput]) -> list[ShareResult]:
    """Base "1 member of n"; weight the months of membership (a whole year weighs 12).

    `months` is kept only for a partial year, so a whole year reads as before ("1 membre sur 3").
    """
    members = [m for m in members if m.months > 0]
    if not members:
        raise AllocationError("no_recipient", pool.code)
    weights = [m.months for m in members]
    cents = split_cents(pool.amount_cents, weights, [m.sort_name for m in members])
    n = len(members)
    weight_total = sum(weights)
    return [
        ShareResult(
            pool.code,
            None,
            m.key,
            c,
            1,
            n,
            m.months,
            weight_total,
            m.months if m.months < 12 else None,
        )
        for m, c in zip(members, cents, strict=True)
    ]


def _direct_share(
    pool: PoolInput, tenants_by_code: dict[str, TenantInput], members: Sequence[MemberInput]
) -> list[ShareResult]:
    if pool.direct_tenant is not None:
        tenant = tenants_by_code.get(pool.direct_tenant)
        if tenant is None:
            raise AllocationError("unknown_tenant", pool.code, pool.direct_tenant)
        return [
            ShareResult(
                pool.code, tenant.code, tenant.payer, pool.amount_cents, 1, 1, 1, 1, tenant.months
            )
        ]
    # A direct charge reaches its partner whatever its status (a leaver's withdrawal fees, an
    # excluded partner's costs): it need not be among the members sharing the other pools.
    if pool.direct_partner is None:
        raise AllocationError("unknown_partner", pool.code, "")
    return [ShareResult(pool.code, None, pool.direct_partner, pool.amount_cents, 1, 1, 1, 1, None)]


def allocate_pool(
    pool: PoolInput,
    tenants: Sequence[TenantInput],
    members: Sequence[MemberInput],
    *,
    tenants_by_code: dict[str, TenantInput] | None = None,
) -> list[ShareResult]:
    """The shares of one pool, in a stable order (tenant code, or member sort name)."""
    if pool.key in TENANT_KEYS:
        return _tenant_shares(pool, sorted(tenants, key=lambda t: t.code))
    if pool.key == EQUAL_PER_MEMBER:
        return _member_shares(pool, sorted(members, key=lambda m: (m.sort_name, m.key)))
    if pool.key == DIRECT:
        by_code = tenants_by_code or {t.code: t for t in tenants}
        return _direct_share(pool, by_code, members)
    raise AllocationError("unknown_key", pool.code, pool.key)


def allocate(
    pools: Iterable[PoolInput], tenants: Sequence[TenantInput], members: Sequence[MemberInput]
) -> list[ShareResult]:
    """The shares of every pool; each pool's shares sum exactly to its amount in cents."""
    tenants = sorted(tenants, key=lambda t: t.code)
    members = sorted(members, key=lambda m: (m.sort_name, m.key))
    by_code = {t.code: t for t in tenants}
    shares: list[ShareResult] = []
    for pool in pools:
        if pool.key in TENANT_KEYS:
            shares.extend(_tenant_shares(pool, tenants))
        elif pool.key == EQUAL_PER_MEMBER:
            shares.extend(_member_shares(pool, members))
        else:
            shares.extend(allocate_pool(pool, tenants, members, tenants_by_code=by_code))
    return shares


def pool_input(
    *,
    code: str,
    key: str,
    amount: Decimal,
    direct_tenant: str | None = None,
    direct_partner: str | None = None,
) -> PoolInput:
    """A PoolInput from a Decimal amount in euros."""
    return PoolInput(code, key, to_cents(amount), direct_tenant, direct_partner)
