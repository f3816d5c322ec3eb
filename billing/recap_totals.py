"""The recap read in SQL: totals by pool and by key, and the distribution a page at a time.

`billing.recap.recap_for` builds every true-up line as objects (about 78,000 at 3,000 tenants);
what a page shows is summed here by the database, to the cent, with the same scope: staff see
every share, a partner user its own and those of the tenants it holds.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce

from billing import selectors
from billing.models import AllocationKey, AllocationRun, RunKind, Share
from ligeris.lib.roles import STAFF, role_of
from partners.models import Holding
from partners.selectors import acting_partner_id
from titres.models import FiscalYear
from titres.money import ZERO, round_money

ROWS_PER_PAGE = 50
BY_TENANT, BY_PARTNER = "tenant", "partner"


@dataclass
class Amounts:
    """Billed (the budget run) and actual (None before an actual run) for one row or total."""

    billed: Decimal = ZERO
    actual: Decimal | None = None

    @property
    def difference(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.billed


@dataclass
class PoolTotal(Amounts):
    code: str = ""
    label: str = ""
    key: str = ""

    @property
    def key_label(self) -> str:
        return AllocationKey(self.key).label if self.key in AllocationKey.values else self.key


@dataclass
class KeyTotal(Amounts):
    key_label: str = ""
    pools: int = 0


@dataclass
class Row(Amounts):
    """A tenant (or a member, for member pools) or a paying partner, summed over its shares."""

    code: str = ""
    label: str = ""
    payer: str = ""
    partner_id: int | None = None
    borne_by_coordinator: bool = False


@dataclass
class Runs:
    """The two runs a recap reads, and whose shares it may see."""

    fiscal_year: FiscalYear
    budget: AllocationRun | None
    actual: AllocationRun | None
    scope: QuerySet[Share]
    own_partner: int | None  # a partner user's partner; None for staff

    @property
    def has_actual(self) -> bool:
        return self.actual is not None

    def shares(self) -> QuerySet[Share]:
        ids = [run.pk for run in (self.budget, self.actual) if run is not None]
        return self.scope.filter(run_id__in=ids)

    def sums(self, prefix: str = "", **extra) -> dict:
        """SUM of billed and actual amounts, each over its own run."""
        budget = self.budget.pk if self.budget else None
        actual = self.actual.pk if self.actual else None
        return {
            f"{prefix}billed_sum": Sum("amount", filter=Q(run_id=budget, **extra)),
            f"{prefix}actual_sum": Sum("amount", filter=Q(run_id=actual, **extra)),
        }

    def amounts(self, row: dict, prefix: str = "") -> tuple[Decimal, Decimal | None]:
        # Exact on PostgreSQL; SQLite sums decimals as floats: back to the cent.
        billed = round_money(row[f"{prefix}billed_sum"] or ZERO)
        actual = round_money(row[f"{prefix}actual_sum"] or ZERO)
        return billed, actual if self.has_actual else None


def runs_for(fiscal_year: FiscalYear, user) -> Runs:
    """The year's billed and latest actual runs, as `user` may see them."""
    return scoped_runs(
        fiscal_year,
        budget=selectors.billed_run(fiscal_year),
        actual=selectors.latest_run(fiscal_year, RunKind.ACTUAL),
        own_partner=None if role_of(user) in STAFF else acting_partner_id(user),
    )


def scoped_runs(fiscal_year, *, budget, actual, own_partner: int | None) -> Runs:
    """Staff (`own_partner` None) see every share; a partner its own and its tenants'."""
    scope = Share.objects.all()
    if own_partner is not None:
        held = Holding.objects.filter(partner_id=own_partner).values("tenant_id")
        scope = scope.filter(Q(partner_id=own_partner) | Q(tenant_id__in=held))
    return Runs(fiscal_year, budget, actual, scope, own_partner)


def visible_pools(runs: Runs) -> list[selectors.PoolAmount]:
    """The year's pools; for a partner, a service charged directly to another partner or
    tenant is left out (that partner's business)."""
    pools = selectors.pool_amounts(runs.fiscal_year)
    if runs.own_partner is None:
        return pools
    held = set(
        Holding.objects.filter(partner_id=runs.own_partner).values_list("tenant_id", flat=True)
    )
    return [
        p
        for p in pools
        if p.pool.key != AllocationKey.DIRECT
        or p.pool.direct_partner_id == runs.own_partner
        or (p.pool.direct_partner_id is None and p.pool.direct_tenant_id in held)
    ]


@dataclass
class Summary:
    runs: Runs
    pools: list[selectors.PoolAmount]
    by_pool: list[PoolTotal]
    by_key: list[KeyTotal]
    total: Amounts
    coordinator: Amounts  # the coordinator's own shares: borne by it, on no titre
    rows: int  # tenants and members
    partners: int  # paying partners
    shares: int = 0

    @property
    def pools_budget_total(self) -> Decimal:
        return sum((p.budget for p in self.pools), ZERO)

    @property
    def pools_actual_total(self) -> Decimal:
        return sum((p.actual for p in self.pools), ZERO)


def summary(runs: Runs) -> Summary:
    """Totals by pool and by key over the shares the runs' scope sees: a few queries, any size."""
    pools = visible_pools(runs)
    shares = runs.shares()
    by_pool = []
    coordinator = Amounts(actual=ZERO if runs.has_actual else None)
    grouped = (
        shares.values("pool_code")
        .annotate(label=Min("pool_label"), key=Min("key"), **runs.sums())
        .annotate(**runs.sums("coordinator_", borne_by_coordinator=True))
        .order_by("pool_code")
    )
    for row in grouped:
        billed, actual = runs.amounts(row)
        by_pool.append(PoolTotal(billed, actual, row["pool_code"], row["label"], row["key"]))
        own_billed, own_actual = runs.amounts(row, "coordinator_")
        coordinator.billed += own_billed
        if runs.has_actual:
            coordinator.actual += own_actual
    by_key: dict[str, KeyTotal] = {}
    for pool in by_pool:
        total = by_key.setdefault(
            pool.key,
            KeyTotal(ZERO, ZERO if runs.has_actual else None, pool.key_label),
        )
        total.billed += pool.billed
        total.pools += 1
        if runs.has_actual:
            total.actual += pool.actual
    total = Amounts(
        sum((p.billed for p in by_pool), ZERO),
        sum((p.actual for p in by_pool), ZERO) if runs.has_actual else None,
    )
    counts = shares.aggregate(
        shares=Count("pk"),
        partners=Count("partner_id", distinct=True),
        tenants=Count("tenant_id", distinct=True),
        members=Count("partner_id", distinct=True, filter=Q(tenant__isnull=True)),
        own=Count("pk", filter=Q(partner_id=runs.own_partner)),
    )
    if runs.own_partner is not None:
        counts["partners"] = 1 if counts["own"] else 0  # its own payer row only
    return Summary(
        runs=runs,
        pools=pools,
        by_pool=by_pool,
        by_key=sorted(by_key.values(), key=lambda k: k.key_label),
        total=total,
        coordinator=coordinator,
        rows=counts["tenants"] + counts["members"],
        partners=counts["partners"],
        shares=counts["shares"],
    )


@dataclass
class Distribution:
    view: str
    page: Page
    rows: list[Row]
    total: Amounts  # of every row the filters keep, not only the page's
    charts: list[dict] = field(default_factory=list)


def filtered(runs: Runs, *, search: str = "", pool: str = "", partner_id: int | None = None):
    shares = runs.shares()
    if search:
        shares = shares.filter(
            Q(tenant__code__icontains=search)
            | Q(tenant__name__icontains=search)
            | Q(partner__short_name__icontains=search)
            | Q(partner__name__icontains=search)
        )
    if pool:
        shares = shares.filter(pool_code=pool)
    if partner_id is not None:
        shares = shares.filter(partner_id=partner_id)
    return shares


def _tenant_rows(runs: Runs, shares: QuerySet[Share]) -> QuerySet:
    """One row per tenant, or per member for member pools (shares without a tenant)."""
    return (
        shares.annotate(
            member_id=Case(
                When(tenant__isnull=True, then=F("partner_id")), output_field=IntegerField()
            ),
            code=Coalesce("tenant__code", "partner__short_name"),
            label=Coalesce("tenant__name", "partner__name"),
        )
        .values("tenant_id", "member_id", "code", "label")
        .annotate(
            payer=Min("partner__short_name"),
            payer_id=Min("partner_id"),
            coordinator=Count("pk", filter=Q(borne_by_coordinator=True)),
            **runs.sums(),
        )
        .order_by("code", "tenant_id", "member_id")
    )


def _partner_rows(runs: Runs, shares: QuerySet[Share]) -> QuerySet:
    if runs.own_partner is not None:
        shares = shares.filter(partner_id=runs.own_partner)  # the payer's row: its own only
    return (
        shares.values("partner_id")
        .annotate(
            code=Min("partner__short_name"),
            label=Min("partner__name"),
            coordinator=Count("pk", filter=Q(borne_by_coordinator=True)),
            **runs.sums(),
        )
        .order_by("code", "partner_id")
    )


def rows_of(runs: Runs, shares: QuerySet[Share], view: str) -> QuerySet:
    return _partner_rows(runs, shares) if view == BY_PARTNER else _tenant_rows(runs, shares)


def as_row(runs: Runs, values: dict, view: str) -> Row:
    billed, actual = runs.amounts(values)
    return Row(
        billed=billed,
        actual=actual,
        code=values["code"],
        label=values["label"],
        payer=values["code"] if view == BY_PARTNER else values["payer"],
        partner_id=values["partner_id"] if view == BY_PARTNER else values["payer_id"],
        borne_by_coordinator=bool(values["coordinator"]),
    )


def iter_rows(runs: Runs, view: str) -> Iterator[Row]:
    """Every row, streamed from the database (the XLSX's sheets)."""
    for values in rows_of(runs, runs.shares(), view).iterator(chunk_size=2000):
        yield as_row(runs, values, view)


def distribution(
    runs: Runs,
    *,
    view: str = BY_TENANT,
    page_number=1,
    search: str = "",
    pool: str = "",
    partner_id: int | None = None,
    per_page: int = ROWS_PER_PAGE,
) -> Distribution:
    """One page of rows, and the total of every row kept: four queries, five with charts."""
    shares = filtered(runs, search=search, pool=pool, partner_id=partner_id)
    if view == BY_PARTNER and runs.own_partner is not None:
        shares = shares.filter(partner_id=runs.own_partner)
    page = Paginator(rows_of(runs, shares, view), per_page).get_page(page_number)
    rows = [as_row(runs, values, view) for values in page.object_list]
    totals = shares.aggregate(**runs.sums())
    billed, actual = runs.amounts(totals)
    result = Distribution(view=view, page=page, rows=rows, total=Amounts(billed, actual))
    if view == BY_PARTNER:
        result.charts = partner_bars(runs, shares, [(r.partner_id, r.code, r.label) for r in rows])
    return result


def partner_bars(runs: Runs, shares: QuerySet[Share], partners: list[tuple]) -> list[dict]:
    """The bars of each given paying partner's chart (its shares by pool): one query."""
    if not partners:
        return []
    bars: dict[int, list[dict]] = {pk: [] for pk, _code, _name in partners}
    grouped = (
        shares.filter(partner_id__in=list(bars))
        .values("partner_id", "pool_code")
        .annotate(label=Min("pool_label"), **runs.sums())
        .order_by("partner_id", "pool_code")
    )
    for row in grouped:
        billed, actual = runs.amounts(row)
        bars[row["partner_id"]].append(
            {"label": row["label"], "budget": billed, "actual": actual or ZERO}
        )
    return [
        {"code": code, "name": name, "bars": bars[pk]} for pk, code, name in partners if bars[pk]
    ]
