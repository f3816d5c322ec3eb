"""Reads of the billing app, scoped through the partners selectors."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.allocation import cap_together
from billing.explain import staff_cap_text
from billing.models import (
    AllocationKey,
    AllocationRun,
    CostPool,
    Expense,
    RunKind,
    Share,
    StaffTime,
    StorageVolume,
    TariffGrid,
    TariffLine,
    TariffLineKind,
)
from ligeris.lib.roles import STAFF, role_of
from partners.consortia import consortia_of
from partners.models import Consortium, Holding, Tenant
from partners.selectors import acting_partner_id, tenants_visible_to
from titres.models import FiscalYear
from titres.money import ZERO, format_euros, from_cents, round_money, to_cents


@dataclass(frozen=True)
class PoolAmount:
    pool: CostPool
    budget: Decimal
    actual: Decimal
    actual_detail: str  # how the actual amount was reached
    budget_detail: str = ""  # said when the staff-time cap brought the budget down


#: How each cost-sharing row reaches its consortium: through its fiscal year.
_CONSORTIUM_OF = {
    CostPool: "fiscal_year__consortium",
    Expense: "pool__fiscal_year__consortium",
    StaffTime: "pool__fiscal_year__consortium",
    TariffLine: "grid__fiscal_year__consortium",
    Share: "run__fiscal_year__consortium",
}


def in_consortium(rows: QuerySet, consortium: Consortium) -> QuerySet:
    """The rows of one consortium's fiscal years: another consortium's ids are not found."""
    return rows.filter(**{_CONSORTIUM_OF[rows.model]: consortium})


def fiscal_years(consortium) -> QuerySet[FiscalYear]:
    return FiscalYear.objects.filter(consortium=consortium).select_related("grid")


def grid_rates(grid: TariffGrid) -> tuple[Decimal | None, Decimal | None]:
    """(day rate, annual cap) of the staff time, from the grid's lines."""
    rates = dict(
        grid.lines.filter(kind__in=[TariffLineKind.DAY_RATE, TariffLineKind.STAFF_CAP]).values_list(
            "kind", "amount"
        )
    )
    return rates.get(TariffLineKind.DAY_RATE), rates.get(TariffLineKind.STAFF_CAP)


def _capped(rows: list[dict], cap: Decimal, side: str) -> None:
    """One yearly cap for all the staff-time pools (annex 1), on their budgets or actuals."""
    staff = [row for row in rows if row["pool"].key == AllocationKey.STAFF_TIME]
    asked = [to_cents(row[side]) for row in staff]
    capped = cap_together(asked, to_cents(cap), [row["pool"].code for row in staff])
    if capped == asked:
        return
    note = staff_cap_text(cap=cap, asked=from_cents(sum(asked)), pools=len(staff))
    for row, cents in zip(staff, capped, strict=True):
        row[side] = from_cents(cents)
        row[f"{side}_detail"] = " ; ".join(filter(None, [row[f"{side}_detail"], note]))


def pool_amounts(fiscal_year: FiscalYear) -> list[PoolAmount]:
    """Each pool with its budget and its actual amount (expenses; staff time and the invoices
    of staff-time pools within the grid's one yearly cap)."""
    day_rate, cap = grid_rates(fiscal_year.grid)
    pools = (
        fiscal_year.pools.select_related("direct_tenant", "direct_partner")
        .annotate(expense_total=Sum("expenses__amount"), expense_count=Count("expenses"))
        .order_by("code")
    )
    days_by_pool = dict(
        fiscal_year.pools.filter(key=AllocationKey.STAFF_TIME)
        .annotate(days=Sum("staff_times__days"))
        .values_list("pk", "days")
    )
    rows = []
    for pool in pools:
        expenses = round_money(pool.expense_total or ZERO)
        count = pool.expense_count
        detail = ngettext("%(count)s dépense", "%(count)s dépenses", count) % {"count": count}
        detail = detail if expenses else ""
        actual = expenses
        if pool.key == AllocationKey.STAFF_TIME:
            days = days_by_pool.get(pool.pk) or Decimal(0)
            if day_rate is None:
                detail = _("taux journalier absent de la grille")
            else:
                raw = round_money(days * day_rate)
                staff = _("%(days)s j × %(rate)s = %(raw)s") % {
                    "days": f"{days.normalize():f}".replace(".", ","),
                    "rate": format_euros(day_rate),
                    "raw": format_euros(raw),
                }
                detail = f"{staff} + {detail} ({format_euros(expenses)})" if expenses else staff
                actual = raw + expenses
        rows.append(
            {
                "pool": pool,
                "budget": pool.budget_amount,
                "actual": actual,
                "actual_detail": detail,
                "budget_detail": "",
            }
        )
    if cap is not None:
        _capped(rows, cap, "budget")
        _capped(rows, cap, "actual")
    return [PoolAmount(**row) for row in rows]


def expenses_of(fiscal_year: FiscalYear) -> QuerySet[Expense]:
    return (
        Expense.objects.filter(pool__fiscal_year=fiscal_year)
        .select_related("pool")
        .order_by("invoice_date", "pk")
    )


def volumes_on(fiscal_year: FiscalYear) -> QuerySet[StorageVolume]:
    return StorageVolume.objects.filter(
        tenant__consortium=fiscal_year.consortium, measured_on=fiscal_year.first_day
    ).select_related("tenant")


def tenants_without_volume(fiscal_year: FiscalYear) -> QuerySet[Tenant]:
    """Tenants open on 1 January with no reading that day: a storage-volume run would fail."""
    day = fiscal_year.first_day
    return (
        Tenant.objects.filter(consortium=fiscal_year.consortium, opened_on__lte=day)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=day))
        .exclude(volumes__measured_on=day)
        .order_by("code")
    )


def runs_of(fiscal_year: FiscalYear) -> QuerySet[AllocationRun]:
    return fiscal_year.runs.select_related("created_by").order_by("kind", "-version")


def runs_with_pools(consortium) -> QuerySet[AllocationRun]:
    """The consortium's runs without their inputs: only the pools of the snapshot, read by the
    database (`input_pools`), where the whole ~0.9 MB JSON took 30 ms to send and as much to parse."""
    return (
        AllocationRun.objects.filter(fiscal_year__consortium=consortium)
        .select_related("fiscal_year", "created_by")
        .defer("inputs")
        .annotate(input_pools=F("inputs__pools"))
    )


def latest_run(fiscal_year: FiscalYear, kind: str) -> AllocationRun | None:
    # The inputs (~0.9 MB at 3,000 tenants) load on reading them, which few callers do.
    return fiscal_year.runs.filter(kind=kind).defer("inputs").order_by("-version").first()


def billed_run(fiscal_year: FiscalYear) -> AllocationRun | None:
    """The budget run the year was billed on: the one a titre used, else the latest."""
    runs = fiscal_year.runs.filter(kind=RunKind.BUDGET).defer("inputs")
    return (
        runs.filter(locked_at__isnull=False).order_by("-version").first()
        or runs.order_by("-version").first()
    )


def shown_runs(consortium) -> list[AllocationRun]:
    """Per fiscal year, newest first: the budget run it is billed on (`billed_run`), then its
    latest actual run. One query for every year (two per year, one after the other, before)."""
    runs = (
        AllocationRun.objects.filter(
            fiscal_year__consortium=consortium, kind__in=(RunKind.BUDGET, RunKind.ACTUAL)
        )
        .select_related("fiscal_year")
        .defer("inputs")
    )
    chosen: dict[tuple[int, str], tuple[tuple, AllocationRun]] = {}
    for run in runs:
        rank = (run.kind == RunKind.BUDGET and run.locked_at is not None, run.version)
        key = (run.fiscal_year.year, run.kind)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, run)
    order = {RunKind.BUDGET: 0, RunKind.ACTUAL: 1}
    keys = sorted(chosen, key=lambda key: (-key[0], order[key[1]]))
    return [chosen[key][1] for key in keys]


def shares_visible_to(user, consortium: Consortium | None = None) -> QuerySet[Share]:
    """Staff see the request's consortium's shares (without one, those of all their consortia);
    a partner user its own and those of the tenants it holds."""
    # The run's inputs (a JSON snapshot of ~1 MB at 2,000 partners) are not shown per share: a
    # page that needs them reads its one run. Not a join on holdings: no DISTINCT.
    shares = Share.objects.select_related("run__fiscal_year", "tenant", "partner", "pool").defer(
        "run__inputs"
    )
    if role_of(user) in STAFF:
        if consortium is not None:
            return in_consortium(shares, consortium)
        return shares.filter(run__fiscal_year__consortium__in=consortia_of(user).values("pk"))
    partner_id = acting_partner_id(user)
    # The held tenants as values, not a subquery: PostgreSQL then reads the shares through two
    # indexes (BitmapOr) instead of filtering every share of the runs (92,000 rows, 0.28 s).
    held = list(Holding.objects.filter(partner_id=partner_id).values_list("tenant_id", flat=True))
    return shares.filter(Q(partner_id=partner_id) | Q(tenant_id__in=held))


def pool_concerns(pool: CostPool, user) -> bool:
    """Whether a partner user may see a pool: all shared pools, and direct ones aimed at it."""
    if pool.key != AllocationKey.DIRECT:
        return True
    own = acting_partner_id(user)
    if pool.direct_partner_id is not None:
        return pool.direct_partner_id == own
    return tenants_visible_to(user).filter(pk=pool.direct_tenant_id).exists()
