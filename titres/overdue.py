"""The overdue titres read once per request (issue 17): the overdue page's table, its count, the
late debtors, their count and their titres all come from one query of ids and balances; only the
rows shown are then read, by primary key.

Each of those used to work the overdue set out again (the balance of every titre ever issued:
payments, corrections and refunds summed over the whole consortium), five times a page.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models.fields.json import KT
from django.utils import timezone
from django_tables2.data import TableListData

from partners.models import Consortium, Partner
from titres import balances
from titres.models import RevenueTitle, TitreBalance, TitreSettings
from titres.money import ZERO, round_money

DEFAULT_EXCLUSION_DAYS = 90


def _balances_sql(columns: str, consortium: Consortium, before: datetime.date) -> tuple[str, list]:
    """The issued charging titres due before `before` with something left to pay, read from
    their stored balances (`titres.balances`: the ledger's sums, rewritten by every money
    write; a partial index holds the few left to pay): `SELECT {columns}` over `s` (the
    titre's columns and the sums) and `d` (the debtor). Summing the ledger here instead cost
    20–30 ms of PostgreSQL a page at 10,000 titres."""
    titre, balance = RevenueTitle._meta.db_table, TitreBalance._meta.db_table
    partner = Partner._meta.db_table
    sql = f"""
        SELECT {columns} FROM (
          SELECT t.id, t.debtor_id, b.due_on, t.exercise, t.number,
                 b.corrected, b.paid, b.refunded, b.balance
          FROM {balance} b JOIN {titre} t ON t.id = b.titre_id
          WHERE b.consortium_id = %s AND b.due_on < %s AND b.balance > 0
        ) s JOIN {partner} d ON d.id = s.debtor_id
    """  # noqa: S608 (table names from the models; values as parameters)
    return sql, [consortium.pk, before]


def unpaid_before_sql(consortium: Consortium, today: datetime.date) -> tuple[str, list]:
    """`SELECT id` of the overdue titres, for a `pk__in` (see `titre_selectors.overdue`)."""
    return _balances_sql("s.id", consortium, today)


@dataclass(frozen=True)
class OverdueRow:
    pk: int
    debtor_id: int
    debtor_rank: int  # by debtor name then id, as the database sorts them
    due_on: datetime.date
    corrected: Decimal
    paid: Decimal
    refunded: Decimal
    balance: Decimal


def overdue_rows(consortium: Consortium, today: datetime.date | None = None) -> list[OverdueRow]:
    """Every overdue titre as ids and balances, oldest first: one query."""
    today = today or timezone.localdate()
    sql, params = _balances_sql(
        "s.id, s.debtor_id, DENSE_RANK() OVER (ORDER BY d.name, d.id), s.due_on,"
        " s.corrected, s.paid, s.refunded, s.balance",
        consortium,
        today,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY s.due_on, s.exercise, s.number", params)
        fetched = cursor.fetchall()
    return [
        OverdueRow(
            pk, debtor, rank, balances.day(due_on), *(balances.money(value) for value in money)
        )
        for pk, debtor, rank, due_on, *money in fetched
    ]


def titres_of(
    rows: list[OverdueRow], related: tuple[str, ...] = ("debtor", "tenant", "batch")
) -> list[RevenueTitle]:
    """The titres of these rows in their order, annotated as `with_balance` does: one query.
    `related`: the rows read with them (the late debtors' flags need their debtor alone)."""
    titres = (
        RevenueTitle.objects.select_related(*related)
        .defer("snapshot")  # the issued titre's frozen copy: not shown in a list
        .annotate(wording_heading=KT("snapshot__wording__heading"))
        .in_bulk([row.pk for row in rows])
    )
    shown = []
    for row in rows:
        titre = titres[row.pk]
        titre.corrected, titre.paid, titre.refunded = row.corrected, row.paid, row.refunded
        titre.net = round_money(titre.total - row.corrected)
        titre.balance, titre.to_refund = row.balance, ZERO  # overdue: a positive balance
        shown.append(titre)
    return shown


class OverdueTableData(TableListData):
    """The table's data: its length from the rows, a page's titres read when sliced. Not
    sortable (the rows are in due order; sorting them would read every titre)."""

    def __init__(self, rows: list[OverdueRow]):
        super().__init__(rows)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return titres_of(self.data[key])
        return titres_of([self.data[key]])[0]

    def __iter__(self):
        return iter(titres_of(self.data))


@dataclass(frozen=True)
class LateDebtor:
    """A debtor with titres unpaid beyond the setting (art. 8: exclusion for non-payment)."""

    debtor_id: int
    oldest: datetime.date
    amount_due: Decimal
    rows: tuple[OverdueRow, ...]


def exclusion_cutoff(settings: TitreSettings | None, today: datetime.date) -> datetime.date:
    """Titres due before this date are late enough to flag their debtor (the setting, 90 days
    by default)."""
    days = settings.exclusion_after_days if settings else DEFAULT_EXCLUSION_DAYS
    return today - datetime.timedelta(days=days)


def late_debtors(rows: list[OverdueRow], cutoff: datetime.date) -> list[LateDebtor]:
    """The rows due before `cutoff` (`exclusion_cutoff`), per debtor, by debtor name."""
    grouped: dict[int, list[OverdueRow]] = {}
    for row in rows:
        if row.due_on < cutoff:
            grouped.setdefault(row.debtor_id, []).append(row)
    ordered = sorted(grouped.values(), key=lambda late: late[0].debtor_rank)
    return [
        LateDebtor(
            debtor_id=late[0].debtor_id,
            oldest=min(row.due_on for row in late),
            amount_due=sum((row.balance for row in late), ZERO),
            rows=tuple(late),
        )
        for late in ordered
    ]


def late_debtor_count(consortium: Consortium, cutoff: datetime.date) -> int:
    """How many debtors have a titre due before `cutoff` still unpaid: one query."""
    sql, params = _balances_sql("COUNT(DISTINCT s.debtor_id)", consortium, cutoff)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
