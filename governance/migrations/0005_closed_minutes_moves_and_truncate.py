"""On PostgreSQL, closed minutes are refused a move in and a TRUNCATE too.

0003 checked the meeting a row was stored under (OLD) on UPDATE, not the one it is moved to
(NEW): `UPDATE governance_agendaitem SET meeting_id = <closed meeting>` added an item to closed
minutes, and a decision could be moved onto a closed item. The function now checks both.

Row triggers do not fire on TRUNCATE: a statement trigger on every table of the record refuses
it. Django's `flush` (the test suite, between transactional tests) says `ligeris.flush = 'on'`
in its transaction (`ligeris/lib/postgresql`, the test settings' engine); nothing else does.

Protected tables: governance_meeting, governance_attendance, governance_agendaitem,
governance_agendadocument, governance_decision, governance_vote.
"""

import importlib

from django.db import migrations

TABLES = ("meeting", "attendance", "agendaitem", "agendadocument", "decision", "vote")

MEETING_OF = """
CREATE OR REPLACE FUNCTION governance_closed_meeting_holds(tbl name, row_ jsonb)
RETURNS boolean AS $$
    -- Whether the row (as JSON) belongs to a meeting with closed minutes, through its parent.
    SELECT EXISTS (
        SELECT 1 FROM governance_meeting m
         WHERE m.minutes_closed_at IS NOT NULL
           AND m.id = CASE tbl
               WHEN 'governance_attendance' THEN (row_ ->> 'meeting_id')::bigint
               WHEN 'governance_agendaitem' THEN (row_ ->> 'meeting_id')::bigint
               WHEN 'governance_vote' THEN (
                   SELECT i.meeting_id FROM governance_decision d
                     JOIN governance_agendaitem i ON i.id = d.item_id
                    WHERE d.id = (row_ ->> 'decision_id')::bigint)
               ELSE (  -- governance_decision, governance_agendadocument
                   SELECT i.meeting_id FROM governance_agendaitem i
                    WHERE i.id = (row_ ->> 'item_id')::bigint)
           END
    );
$$ LANGUAGE sql STABLE;
"""

FUNCTION = """
CREATE OR REPLACE FUNCTION governance_refuse_closed_minutes() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'governance_meeting' THEN
        IF OLD.minutes_closed_at IS NOT NULL THEN
            RAISE EXCEPTION 'Le procès-verbal de cette séance est clos : rien n''y change.'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    -- The meeting a row is stored under (OLD), and the one it is put under (NEW).
    ELSIF (TG_OP <> 'INSERT' AND governance_closed_meeting_holds(TG_TABLE_NAME, to_jsonb(OLD)))
       OR (TG_OP <> 'DELETE' AND governance_closed_meeting_holds(TG_TABLE_NAME, to_jsonb(NEW)))
    THEN
        RAISE EXCEPTION 'Le procès-verbal de cette séance est clos : rien n''y change.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
"""

TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION governance_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('ligeris.flush', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'La table % garde des procès-verbaux : elle ne se vide pas.', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

TRUNCATE_TRIGGERS = [
    f"CREATE TRIGGER governance_{table}_truncate BEFORE TRUNCATE ON governance_{table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION governance_refuse_truncate();"
    for table in TABLES
]

DROP = [
    *(f"DROP TRIGGER IF EXISTS governance_{t}_truncate ON governance_{t};" for t in TABLES),
    "DROP FUNCTION IF EXISTS governance_refuse_truncate();",
]


def _execute(schema_editor, sql: str) -> None:
    schema_editor.execute(sql, params=None)  # no parameters: the `%` of RAISE stay as they are


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in (MEETING_OF, FUNCTION, TRUNCATE_FUNCTION, *TRUNCATE_TRIGGERS):
            _execute(schema_editor, statement)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module(
            "governance.migrations.0003_closed_minutes_trigger_whole_record"
        )
        for statement in DROP:
            _execute(schema_editor, statement)
        _execute(schema_editor, previous.FUNCTION)
        _execute(
            schema_editor, "DROP FUNCTION IF EXISTS governance_closed_meeting_holds(name, jsonb);"
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0004_minutes_wording_and_dates")]

    operations = [migrations.RunPython(create, restore)]
