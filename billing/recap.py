"""True-up and the annual recap (tableau récapitulatif), read from the stored snapshots."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from billing import selectors
from billing.models import AllocationRun, RunKind, Share
from ligeris.lib.roles import STAFF, role_of
from partners.models import Partner, Tenant
from partners.selectors import acting_partner_id
from titres.models import FiscalYear
from titres.money import ZERO


@dataclass
class TrueUpLine:
    """One pool's share for one tenant (or member): billed, actual and the difference."""

    pool_code: str
    pool_label: str
    key_label: str
    tenant: Tenant | None
    partner: Partner
    borne_by_coordinator: bool
    base: str
    billed: Decimal | None
    actual: Decimal | None

    @property
    def recipient_code(self) -> str:
        return self.tenant.code if self.tenant else self.partner.short_name

    @property
    def difference(self) -> Decimal | None:
        if self.actual is None:
            return None
        return self.actual - (self.billed or ZERO)

    @property
    def direction(self) -> str:
        """additional (titre complémentaire), reduction (titre de réduction) or none."""
        difference = self.difference
        if not difference:
            return "none"
        return "additional" if difference > 0 else "reduction"


def _shares(run: AllocationRun | None, scope: QuerySet[Share] | None) -> Iterable[Share]:
    if run is None:
        return []
    shares = (scope if scope is not None else Share.objects.all()).filter(run=run)
    return shares.select_related("tenant", "partner").order_by("pool_code", "pk")


def true_up(
    billed: AllocationRun | None,
    actual: AllocationRun | None,
    *,
    scope: QuerySet[Share] | None = None,
) -> list[TrueUpLine]:
    """Per pool and tenant (or member): actual − billed, for additional or reduction titres."""
    lines: dict[tuple, TrueUpLine] = {}
    for side, run in (("billed", billed), ("actual", actual)):
        for share in _shares(run, scope):
            key = (share.pool_code, share.tenant_id, share.partner_id if not share.tenant_id else 0)
            line = lines.get(key)
            if line is None:
                line = lines[key] = TrueUpLine(
                    pool_code=share.pool_code,
                    pool_label=share.pool_label,
                    key_label=share.get_key_display(),
                    tenant=share.tenant,
                    partner=share.partner,
                    borne_by_coordinator=share.borne_by_coordinator,
                    base=share.explanation(),
                    billed=None,
                    actual=ZERO if actual is not None else None,
                )
            if side == "billed":
                line.billed = share.amount
            else:
                line.actual = share.amount
                line.base = share.explanation()
                line.partner = share.partner
    return sorted(lines.values(), key=lambda x: (x.pool_code, x.recipient_code))


@dataclass
class RecapRow:
    label: str
    code: str
    payer: str
    borne_by_coordinator: bool
    budget: Decimal = ZERO
    actual: Decimal | None = None

    @property
    def difference(self) -> Decimal | None:
        return None if self.actual is None else self.actual - self.budget


@dataclass
class Recap:
    fiscal_year: FiscalYear
    budget_run: AllocationRun | None
    actual_run: AllocationRun | None
    pools: list[selectors.PoolAmount]
    lines: list[TrueUpLine]
    expenses: list = field(default_factory=list)  # the year's vendor invoices
    rows: list[RecapRow] = field(default_factory=list)  # per tenant, or member for member pools
    partners: list[RecapRow] = field(default_factory=list)  # per paying partner

    @property
    def budget_total(self) -> Decimal:
        return sum((r.budget for r in self.rows), ZERO)

    @property
    def actual_total(self) -> Decimal | None:
        if self.actual_run is None:
            return None
        return sum((r.actual or ZERO for r in self.rows), ZERO)

    @property
    def difference_total(self) -> Decimal | None:
        actual = self.actual_total
        return None if actual is None else actual - self.budget_total

    @property
    def pools_budget_total(self) -> Decimal:
        return sum((p.budget for p in self.pools), ZERO)

    @property
    def pools_actual_total(self) -> Decimal:
        return sum((p.actual for p in self.pools), ZERO)


def _roll_up(lines: list[TrueUpLine], by_partner: bool, has_actual: bool) -> list[RecapRow]:
    rows: dict[str, RecapRow] = {}
    for line in lines:
        if by_partner or line.tenant is None:
            code, label = line.partner.short_name, line.partner.name
        else:
            code, label = line.tenant.code, line.tenant.name
        row = rows.get(code)
        if row is None:
            row = rows[code] = RecapRow(
                label=label,
                code=code,
                payer=line.partner.short_name,
                borne_by_coordinator=line.borne_by_coordinator,
                actual=ZERO if has_actual else None,
            )
        row.budget += line.billed or ZERO
        if has_actual:
            row.actual += line.actual or ZERO
    return sorted(rows.values(), key=lambda r: r.code)


def recap_for(fiscal_year: FiscalYear, user) -> Recap:
    """The year's recap as `user` may see it: a partner user gets its own lines only."""
    budget_run = selectors.billed_run(fiscal_year)
    actual_run = selectors.latest_run(fiscal_year, RunKind.ACTUAL)
    scope = None if role_of(user) in STAFF else selectors.shares_visible_to(user)
    lines = true_up(budget_run, actual_run, scope=scope)
    has_actual = actual_run is not None
    pools = selectors.pool_amounts(fiscal_year)
    expenses = list(selectors.expenses_of(fiscal_year))
    if role_of(user) not in STAFF:
        # A service charged directly to another partner or tenant is that partner's business.
        hidden = {p.pool.pk for p in pools if not selectors.pool_concerns(p.pool, user)}
        pools = [p for p in pools if p.pool.pk not in hidden]
        expenses = [e for e in expenses if e.pool_id not in hidden]
    recap = Recap(fiscal_year, budget_run, actual_run, pools, lines)
    recap.expenses = expenses
    recap.rows = _roll_up(lines, by_partner=False, has_actual=has_actual)
    partner_rows = _roll_up(lines, by_partner=True, has_actual=has_actual)
    if role_of(user) not in STAFF:
        own = acting_partner_id(user)
        partner_rows = [r for r in partner_rows if _partner_id(lines, r.code) == own]
    recap.partners = partner_rows
    return recap


def _partner_id(lines: list[TrueUpLine], short_name: str) -> int | None:
    return next((x.partner.pk for x in lines if x.partner.short_name == short_name), None)


def totals_by_pool(lines: list[TrueUpLine]) -> dict[str, dict[str, Decimal]]:
    totals: dict[str, dict[str, Decimal]] = defaultdict(lambda: {"billed": ZERO, "actual": ZERO})
    for line in lines:
        totals[line.pool_code]["billed"] += line.billed or ZERO
        totals[line.pool_code]["actual"] += line.actual or ZERO
    return dict(totals)
