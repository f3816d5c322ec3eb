"""The recap's XLSX read straight from the database: built at once for a small year, by a
background task for a large one (`billing.tasks.build_recap_export`), with its progress."""

import hashlib
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Case, F, IntegerField, When
from django.db.models.functions import Coalesce

from billing import recap_totals, selectors
from billing.explain import base_text
from billing.exports import recap_workbook
from billing.models import AllocationKey, RecapExport
from billing.recap_totals import BY_PARTNER, BY_TENANT, Runs
from titres.money import ZERO

#: Above this many shares (billed and actual runs together), the workbook is built by a task.
LARGE_ROWS = 2_000
#: Progress is written every so many rows (one UPDATE each).
PROGRESS_EVERY = 1_000


def large_rows() -> int:
    return getattr(settings, "LIGERIS_RECAP_LARGE_ROWS", LARGE_ROWS)


def is_large(runs: Runs) -> bool:
    """Whether the recap has more shares than a request should write (one COUNT)."""
    return runs.shares().count() > large_rows()


def _detail(runs: Runs) -> Iterator[tuple]:
    """The true-up lines (`billing.recap.true_up`), merged from both runs' shares in one ordered
    pass: a recipient's billed and actual shares of a pool come one after the other."""
    rows = (
        runs.shares()
        .annotate(
            member_id=Case(
                When(tenant__isnull=True, then=F("partner_id")), output_field=IntegerField()
            ),
            code=Coalesce("tenant__code", "partner__short_name"),
        )
        .order_by("pool_code", "code", "tenant_id", "member_id", "run_id")
        .values_list(
            "pool_code",
            "tenant_id",
            "member_id",
            "run_id",
            "pool_label",
            "key",
            "tenant__code",
            "partner__short_name",
            "base_quantity",
            "base_total",
            "months",
            "amount",
        )
    )
    budget = runs.budget.pk if runs.budget else None
    has_actual = runs.has_actual
    line = None
    for (
        pool_code,
        tenant_id,
        member_id,
        run_id,
        label,
        key,
        tenant,
        debtor,
        *base,
        amount,
    ) in rows.iterator(chunk_size=2000):
        identity = (pool_code, tenant_id, member_id)
        if line is None or line["identity"] != identity:
            if line is not None:
                yield _line(line)
            line = {
                "identity": identity,
                "label": label,
                "key": key,
                "tenant": tenant or "",
                "billed": None,
                "actual": ZERO if has_actual else None,
            }
        if run_id == budget:
            line["billed"] = amount
        else:
            line["actual"] = amount
        if run_id != budget or "base" not in line:  # the actual run's base and debtor win
            line["base"] = base_text(key, *base)
            line["debtor"] = debtor
    if line is not None:
        yield _line(line)


def _line(line: dict) -> tuple:
    billed, actual = line["billed"], line["actual"]
    difference = None if actual is None else actual - (billed or ZERO)
    direction = "none" if not difference else ("additional" if difference > 0 else "reduction")
    key = line["key"]
    return (
        line["label"],
        str(AllocationKey(key).label) if key in AllocationKey.values else key,
        line["tenant"],
        line["debtor"],
        line["base"],
        billed,
        actual,
        difference,
        direction,
    )


def _tenant_tuples(runs: Runs):
    for r in recap_totals.iter_rows(runs, BY_TENANT):
        yield (r.label, r.code, r.payer, r.borne_by_coordinator, r.billed, r.actual, r.difference)


def _partner_tuples(runs: Runs):
    for r in recap_totals.iter_rows(runs, BY_PARTNER):
        yield (r.label, r.code, r.borne_by_coordinator, r.billed, r.actual, r.difference)


def build_xlsx(runs: Runs, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The five sheets of the recap, every row streamed from the database; `progress(done,
    total)` is told every `PROGRESS_EVERY` rows."""
    summary = recap_totals.summary(runs)
    hidden_pools = {p.pool.pk for p in selectors.pool_amounts(runs.fiscal_year)} - {
        p.pool.pk for p in summary.pools
    }
    expenses = [e for e in selectors.expenses_of(runs.fiscal_year) if e.pool_id not in hidden_pools]
    total_rows = summary.rows + summary.partners + summary.shares  # at most: detail ≤ shares
    done = 0
    if progress is not None:
        progress(0, total_rows)

    def tick():
        nonlocal done
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total_rows)

    return recap_workbook(
        runs.fiscal_year,
        pools=summary.pools,
        expenses=expenses,
        tenants=_tenant_tuples(runs),
        tenant_totals=(summary.total.billed, summary.total.actual, summary.total.difference),
        partners=_partner_tuples(runs),
        detail=_detail(runs),
        tick=tick,
    )


def runs_of_export(export: RecapExport) -> Runs:
    return recap_totals.scoped_runs(
        export.fiscal_year,
        budget=export.budget_run,
        actual=export.actual_run,
        own_partner=export.partner_id,
    )


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
