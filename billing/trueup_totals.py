"""The true-up page at scale: its totals and its debtors summed by the database, a page at a time.

`billing.recap.true_up` builds every line as objects (both runs' ~28,000 shares at 3,000 tenants);
the page needs them only for the debtors it shows. A line is one key (pool, tenant, or member)
of either run; its debtor is the actual share's partner (else the billed one's), as in
`true_up`. The same figures, to the cent: `tests/test_billing_trueup_scale.py` compares them.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet

from billing.models import AllocationRun, Share
from partners.models import Partner
from titres.money import ZERO, round_money

DEBTORS_PER_PAGE = 20


def _keys_sql() -> str:
    """One row per line: billed and actual amounts, its debtor, whether the coordinator bears
    it (the first share's flag: the billed one's, else the actual one's)."""
    share = Share._meta.db_table
    return f"""
        SELECT SUM(CASE WHEN run_id = %(billed)s THEN amount END) AS billed,
               COALESCE(SUM(CASE WHEN run_id = %(actual)s THEN amount END), 0) AS actual,
               COALESCE(MAX(CASE WHEN run_id = %(actual)s THEN partner_id END),
                        MAX(CASE WHEN run_id = %(billed)s THEN partner_id END)) AS debtor,
               COALESCE(MAX(CASE WHEN run_id = %(billed)s THEN
                                 CASE WHEN borne_by_coordinator THEN 1 ELSE 0 END END),
                        MAX(CASE WHEN borne_by_coordinator THEN 1 ELSE 0 END)) AS coordinator
        FROM {share}
        WHERE run_id IN (%(billed)s, %(actual)s)
        GROUP BY pool_code, tenant_id, CASE WHEN tenant_id IS NULL THEN partner_id ELSE 0 END
    """  # noqa: S608 (the table name from the model; values as parameters)


@dataclass(frozen=True)
class TrueUpTotals:
    debtors: int  # with at least one line that differs
    billed: Decimal  # of the lines that differ
    actual: Decimal
    difference: Decimal
    unchanged: int  # lines without a difference
    coordinator_net: Decimal  # the differences the coordinator bears
    has_coordinator: bool


def totals(billed: AllocationRun, actual: AllocationRun) -> TrueUpTotals:
    """Every figure of the page that sums all debtors: one query."""
    sql = f"""
        WITH k AS ({_keys_sql()})
        SELECT COUNT(DISTINCT CASE WHEN actual <> COALESCE(billed, 0) THEN debtor END),
               SUM(CASE WHEN actual <> COALESCE(billed, 0) THEN COALESCE(billed, 0) END),
               SUM(CASE WHEN actual <> COALESCE(billed, 0) THEN actual END),
               SUM(CASE WHEN actual = COALESCE(billed, 0) THEN 1 ELSE 0 END),
               SUM(CASE WHEN coordinator = 1 AND actual <> COALESCE(billed, 0)
                        THEN actual - COALESCE(billed, 0) END),
               SUM(CASE WHEN coordinator = 1 AND actual <> COALESCE(billed, 0) THEN 1 ELSE 0 END)
        FROM k
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, {"billed": billed.pk, "actual": actual.pk})
        debtors, billed_sum, actual_sum, unchanged, coordinator, coordinator_lines = (
            cursor.fetchone()
        )
    billed_sum, actual_sum = round_money(billed_sum or ZERO), round_money(actual_sum or ZERO)
    return TrueUpTotals(
        debtors=debtors or 0,
        billed=billed_sum,
        actual=actual_sum,
        difference=actual_sum - billed_sum,
        unchanged=unchanged or 0,
        coordinator_net=round_money(coordinator or ZERO),
        has_coordinator=bool(coordinator_lines),
    )


class _DebtorIds:
    """The debtors with a difference, by name, as a sequence the paginator slices in SQL."""

    def __init__(self, billed: AllocationRun, actual: AllocationRun, count: int):
        self.params = {"billed": billed.pk, "actual": actual.pk}
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, window: slice) -> list[int]:
        partner = Partner._meta.db_table
        sql = f"""
            WITH k AS ({_keys_sql()})
            SELECT d.debtor FROM (SELECT DISTINCT debtor FROM k
                                  WHERE actual <> COALESCE(billed, 0)) d
            JOIN {partner} p ON p.id = d.debtor
            ORDER BY p.name, p.id LIMIT %(limit)s OFFSET %(offset)s
        """  # noqa: S608
        start, stop = window.start or 0, window.stop
        params = {**self.params, "limit": stop - start, "offset": start}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[0] for row in cursor.fetchall()]


def debtors_page(billed, actual, count: int, number, per_page: int = DEBTORS_PER_PAGE):
    """A page of the debtors' ids (`page.object_list`), by name."""
    return Paginator(_DebtorIds(billed, actual, count), per_page).get_page(number)


def scope_of(billed: AllocationRun, actual: AllocationRun, debtor_ids) -> QuerySet[Share]:
    """Every share of a line these debtors may owe (a superset: a tenant whose payer changed
    brings its other debtor's share; keep the lines whose `partner` is one of them)."""
    ids = list(debtor_ids)
    tenants = Share.objects.filter(
        run__in=[billed, actual], partner_id__in=ids, tenant__isnull=False
    ).values("tenant_id")
    return Share.objects.filter(
        Q(tenant_id__in=tenants) | Q(tenant__isnull=True, partner_id__in=ids)
    )
