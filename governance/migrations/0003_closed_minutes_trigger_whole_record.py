"""On PostgreSQL, the whole record of a meeting with closed minutes is refused any change.

Extends 0002 (votes and decisions) to the meeting row itself, its attendance, its agenda items
and their documents. Actions stay open: the action plan is followed after the meeting.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION governance_refuse_closed_minutes() RETURNS trigger AS $$
DECLARE
    row_ record;
    meeting_pk bigint;
    closed timestamptz;
BEGIN
    row_ := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
    IF TG_TABLE_NAME = 'governance_meeting' THEN
        IF OLD.minutes_closed_at IS NOT NULL THEN
            RAISE EXCEPTION 'Le procès-verbal de cette séance est clos : rien n''y change.'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    ELSIF TG_TABLE_NAME IN ('governance_attendance', 'governance_agendaitem') THEN
        meeting_pk := row_.meeting_id;
    ELSIF TG_TABLE_NAME IN ('governance_decision', 'governance_agendadocument') THEN
        SELECT i.meeting_id INTO meeting_pk FROM governance_agendaitem i WHERE i.id = row_.item_id;
    ELSE  -- governance_vote
        SELECT i.meeting_id INTO meeting_pk
          FROM governance_decision d JOIN governance_agendaitem i ON i.id = d.item_id
         WHERE d.id = row_.decision_id;
    END IF;
    SELECT m.minutes_closed_at INTO closed FROM governance_meeting m WHERE m.id = meeting_pk;
    IF closed IS NOT NULL THEN
        RAISE EXCEPTION 'Le procès-verbal de cette séance est clos : rien n''y change.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
"""

NEW_TABLES = ("attendance", "agendaitem", "agendadocument")

TRIGGERS = [
    f"CREATE TRIGGER governance_{table}_closed BEFORE INSERT OR UPDATE OR DELETE "
    f"ON governance_{table} FOR EACH ROW EXECUTE FUNCTION governance_refuse_closed_minutes();"
    for table in NEW_TABLES
] + [
    "CREATE TRIGGER governance_meeting_closed BEFORE UPDATE OR DELETE ON governance_meeting "
    "FOR EACH ROW EXECUTE FUNCTION governance_refuse_closed_minutes();"
]

DROP = [f"DROP TRIGGER IF EXISTS governance_{t}_closed ON governance_{t};" for t in NEW_TABLES] + [
    "DROP TRIGGER IF EXISTS governance_meeting_closed ON governance_meeting;"
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        for statement in TRIGGERS:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_closed_minutes_trigger")]

    operations = [migrations.RunPython(create, drop)]
