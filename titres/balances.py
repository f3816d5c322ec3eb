"""The stored balance of each issued charging titre (`TitreBalance`), rewritten from the ledger.

Every service that writes money calls `refresh` with the titres it touched, in its transaction:
issuing (a correction also changes its original), a payment, its reversal, a refund, and the
generator's bulk paths. The figures are the ledger's own sums with `with_balance`'s roundings,
worked out again for those titres, never added up step by step, so a stored row cannot drift
from a ledger that is right; `drift` checks it (tests, `manage.py check_titre_balances`).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection

from titres.models import (
    CHARGING_KINDS,
    Payment,
    PaymentReversal,
    Refund,
    RevenueTitle,
    TitreBalance,
    TitreState,
)
from titres.money import round_money

#: Titres per statement: their ids, four times, well under SQLite's bound on parameters.
CHUNK = 500


def ledger_sql(where: str, params: list, ids: list[int] | None = None) -> tuple[str, list]:
    """`SELECT` of the issued charging titres matching `where` (over `t`), each with its
    consortium, due date, then corrected, paid, refunded and balance summed from the ledger:
    payments, corrections and refunds each summed once per titre (hash joins), the reversed
    payments left out by a hashed `NOT IN` (`payment_id` is never null). With `ids`, each sum
    reads only those titres' rows (indexed), so a payment's refresh does not grow with the
    ledger."""
    titre, payment = RevenueTitle._meta.db_table, Payment._meta.db_table
    reversal, refund = PaymentReversal._meta.db_table, Refund._meta.db_table
    kinds = sorted(CHARGING_KINDS)

    def only(column: str) -> str:
        return f"AND {column} IN ({', '.join(['%s'] * len(ids))})" if ids else ""

    sql = f"""
        SELECT t.id, t.consortium_id, t.due_on,
               COALESCE(ROUND(c.amount, 2), 0),
               COALESCE(ROUND(p.amount, 2), 0),
               COALESCE(ROUND(f.amount, 2), 0),
               ROUND(ROUND(t.total - COALESCE(ROUND(c.amount, 2), 0), 2)
                     - COALESCE(ROUND(p.amount, 2), 0) + COALESCE(ROUND(f.amount, 2), 0), 2)
        FROM {titre} t
        LEFT JOIN (SELECT original_id AS id, SUM(total) AS amount FROM {titre}
                   WHERE original_id IS NOT NULL AND state = %s {only("original_id")}
                   GROUP BY original_id) c
               ON c.id = t.id
        LEFT JOIN (SELECT p.titre_id AS id, SUM(p.amount) AS amount FROM {payment} p
                   WHERE p.id NOT IN (SELECT r.payment_id FROM {reversal} r) {only("p.titre_id")}
                   GROUP BY p.titre_id) p
               ON p.id = t.id
        LEFT JOIN (SELECT titre_id AS id, SUM(amount) AS amount FROM {refund}
                   WHERE 1 = 1 {only("titre_id")} GROUP BY titre_id) f
               ON f.id = t.id
        WHERE t.state = %s AND t.kind IN ({", ".join(["%s"] * len(kinds))}) AND {where}
    """  # noqa: S608 (table names from the models; values as parameters)
    each = list(ids or [])
    return sql, [TitreState.ISSUED, *each, *each, *each, TitreState.ISSUED, *kinds, *params]


def money(value) -> Decimal:
    if isinstance(value, Decimal):  # PostgreSQL: already rounded to the cent by the query
        return value
    # SQLite adds money as floating point numbers: through its shortest text, to the cent.
    return round_money(Decimal(str(value)))


def day(value) -> datetime.date:
    """A date read by a raw query (SQLite gives its ISO text)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _from_ledger(where: str, params: list, ids: list[int] | None = None) -> list[TitreBalance]:
    sql, params = ledger_sql(where, params, ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        TitreBalance(
            titre_id=pk,
            consortium_id=consortium,
            due_on=day(due_on),
            corrected=money(corrected),
            paid=money(paid),
            refunded=money(refunded),
            balance=money(balance),
        )
        for pk, consortium, due_on, corrected, paid, refunded, balance in fetched
    ]


def refresh(titre_ids: Iterable[int]) -> None:
    """Rewrite the stored balances of these titres from the ledger (those not issued, or not
    charging, have none): two or three statements per 500 titres."""
    ids = sorted(set(titre_ids))
    manager = TitreBalance._base_manager  # written by services of any consortium's scope
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = _from_ledger(f"t.id IN ({', '.join(['%s'] * len(chunk))})", chunk, chunk)
        manager.filter(titre_id__in=chunk).delete()
        manager.bulk_create(rows)


def drift(consortium_id: int | None = None) -> list[int]:
    """The titres whose stored balance differs from the ledger's (none, if every money path
    refreshes): a stored row missing, extra or with other figures."""
    where, params = ("t.consortium_id = %s", [consortium_id]) if consortium_id else ("1 = 1", [])
    stored_rows = TitreBalance._base_manager.all()
    if consortium_id:
        stored_rows = stored_rows.filter(consortium_id=consortium_id)
    expected, stored = (
        {
            row.titre_id: (row.due_on, row.corrected, row.paid, row.refunded, row.balance)
            for row in rows
        }
        for rows in (_from_ledger(where, params), stored_rows)
    )
    return sorted(
        pk for pk in expected.keys() | stored.keys() if expected.get(pk) != stored.get(pk)
    )
