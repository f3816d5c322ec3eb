"""On PostgreSQL the database itself refuses raw SQL on every final table: INSERT under a final
or refused parent, UPDATE, DELETE, TRUNCATE, and a move out of or into a final parent. Numbers
are given by issuing only. Nothing changes.
"""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from billing.services import titres
from tests.conftest import ON_POSTGRES
from tests.final_rows import (
    DATABASE_MESSAGES,
    FINAL_TABLES,
    OPEN_ROWS,
    WRITTEN_ONCE,
    Records,
    Table,
)
from tests.titre_fixtures import ISSUE_DATE, issued
from titres.models import RevenueTitle, TitreSequence, TitreState

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="triggers are PostgreSQL's (the PostgreSQL half)"),
]

TRUNCATE_REFUSED = "elle ne se vide pas"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def raw_writes(records: Records, table: Table) -> dict:
    """Every raw SQL write aimed at a final row of the table: its statements, by name."""
    model, (column, value) = table.model, table.update
    name, pk = _quote(table.name), records.row(table).pk
    column = _quote(model._meta.get_field(column).column)
    writes = {
        "update": [(f"UPDATE {name} SET {column} = %s WHERE id = %s", [value, pk])],
        "delete": [(f"DELETE FROM {name} WHERE id = %s", [pk])],
        # The test's transaction holds pending checks of foreign keys (deferred): run them, or
        # PostgreSQL refuses the TRUNCATE for that before any trigger of ours.
        "truncate": [("SET CONSTRAINTS ALL IMMEDIATE", None), (f"TRUNCATE {name} CASCADE", None)],
    }
    if table.insert is not None:
        source = records.source(table)
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        changes = {
            model._meta.get_field(c).column: records.resolve(v) for c, v in table.insert.items()
        }
        select = [
            f"CAST(%s AS {f.cast_db_type(connection)})" if f.column in changes else _quote(f.column)
            for f in fields
        ]
        writes["insert"] = [
            (
                f"INSERT INTO {name} ({', '.join(_quote(f.column) for f in fields)}) "
                f"SELECT {', '.join(select)} FROM {name} WHERE id = %s",
                [changes[f.column] for f in fields if f.column in changes] + [source.pk],
            )
        ]
    if table.parent:
        field, refused, other = (table.parent[0], *map(records.resolve, table.parent[1:]))
        parent = _quote(model._meta.get_field(field).column)
        move = f"UPDATE {name} SET {parent} = %s WHERE id = %s"
        writes["move_out"] = [(move, [other, pk])]
        if model._meta.model_name in OPEN_ROWS:
            writes["move_in"] = [(move, [refused, records.row(table, "open").pk])]
    return writes


@pytest.mark.parametrize("table", FINAL_TABLES, ids=str)
def test_every_raw_write_of_a_final_row_is_refused(records, table):
    for what, statements in raw_writes(records, table).items():
        message = TRUNCATE_REFUSED if what == "truncate" else table.message
        message = DATABASE_MESSAGES.get(f"{table.name}:{what}", message)
        before = records.take()
        with pytest.raises(IntegrityError) as refused:
            with transaction.atomic(), connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
            pytest.fail(f"{what}: not refused")
        assert message in str(refused.value), what
        assert records.take() == before, what


def _triggers() -> dict[str, set[str]]:
    """The triggers of the billing and governance tables: {table: {"truncate", "row"}}."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, (t.tgtype & 1 = 0) AS per_statement, (t.tgtype & 32 <> 0)
              FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE NOT t.tgisinternal AND c.relname ~ '^(billing|governance)_'
            """
        )
        found: dict[str, set[str]] = {}
        for table, per_statement, truncate in cursor.fetchall():
            found.setdefault(table, set()).add("truncate" if truncate else "row")
            assert per_statement == truncate, table  # TRUNCATE: per statement; others: per row
        return found


def test_every_final_table_has_its_triggers_and_only_those(db):
    expected = {table.name: {"truncate", "row"} for table in FINAL_TABLES}
    expected |= {model._meta.db_table: {"truncate", "row"} for model in WRITTEN_ONCE}
    assert _triggers() == expected


@pytest.mark.parametrize("model", WRITTEN_ONCE, ids=lambda m: m._meta.db_table)
def test_tables_written_once_refuse_truncate(model, records):
    with (
        pytest.raises(IntegrityError, match="ne se vide pas"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending
        cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")


def test_open_rows_still_change_by_raw_sql(records):
    meeting, line = records.open["meeting"], records.open["titreline"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE governance_meeting SET place = 'Tours' WHERE id = %s", [meeting.pk])
        cursor.execute("UPDATE billing_titreline SET label = 'X' WHERE id = %s", [line.pk])
        cursor.execute("DELETE FROM billing_titreline WHERE id = %s", [line.pk])


# --- Numbering: the sequence advances by issuing only ------------------------------------------

SEQUENCE = "La numérotation n'avance que par l'émission"


def _committed(sql: str, params) -> IntegrityError:
    """Run one statement in its own transaction; the refusal, raised by it or at commit."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute(sql, params)
    return refused.value


def test_a_sequence_moved_without_issuing_is_refused_at_commit(transactional_db, issued_batch):
    sequence = TitreSequence.objects.get(kind="titre")
    batches = TitreSequence.objects.get(kind="batch")
    for pk in (sequence.pk, batches.pk):
        error = _committed(
            "UPDATE billing_titresequence SET last_number = last_number + 1 WHERE id = %s", [pk]
        )
        assert SEQUENCE in str(error)
        assert "le dernier numéro émis est" in str(error)  # refused at commit, by the check
    for sql in (
        "UPDATE billing_titresequence SET last_number = last_number + 2 WHERE id = %s",
        "UPDATE billing_titresequence SET last_number = last_number - 1 WHERE id = %s",
        "UPDATE billing_titresequence SET year = 2030 WHERE id = %s",
        "DELETE FROM billing_titresequence WHERE id = %s",
    ):
        assert SEQUENCE in str(_committed(sql, [sequence.pk]))
    assert TitreSequence.objects.get(pk=sequence.pk).last_number == 4
    assert TitreSequence.objects.get(pk=batches.pk).last_number == 1


def test_a_titre_issued_by_raw_sql_needs_the_next_number(db, drafts):
    draft = drafts.titres.order_by("pk").first()
    issue = (
        "UPDATE billing_revenuetitle SET state = 'issued', exercise = 2026, number = %s, "
        "issued_on = %s, due_on = %s WHERE id = %s"
    )
    for number in (1, 7):  # no number given by the sequence yet; a number out of the blue
        error = _committed(issue, [number, ISSUE_DATE, ISSUE_DATE, draft.pk])
        assert "Un numéro se donne à l'émission seulement" in str(error)
    assert RevenueTitle.objects.get(pk=draft.pk).state == TitreState.DRAFT


def test_issuing_and_correcting_through_the_services_pass_the_numbering(
    transactional_db, world, issued_batch
):
    """Committed for real: the deferred check sees each sequence at its last number."""
    assert [t.number for t in issued(issued_batch)] == [1, 2, 3, 4]
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    cancellation = titres.titre_correct(
        original=original,
        kind="cancellation",
        reason="Erreur",
        issue_date=datetime.date(2026, 2, 2),
    )
    assert (cancellation.number, cancellation.batch.number) == (5, 2)
