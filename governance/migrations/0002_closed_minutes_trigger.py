"""On PostgreSQL, the database itself refuses to change a vote or a decision of closed minutes.

The services refuse first and explain; the models refuse too. This trigger covers raw SQL.
SQLite has no such procedural language: there the two other layers hold.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION governance_refuse_closed_minutes() RETURNS trigger AS $$
DECLARE
    item_pk bigint;
    closed timestamptz;
BEGIN
    IF TG_TABLE_NAME = 'governance_vote' THEN
        SELECT d.item_id INTO item_pk FROM governance_decision d
         WHERE d.id = CASE WHEN TG_OP = 'INSERT' THEN NEW.decision_id ELSE OLD.decision_id END;
    ELSE
        item_pk := CASE WHEN TG_OP = 'INSERT' THEN NEW.item_id ELSE OLD.item_id END;
    END IF;
    SELECT m.minutes_closed_at INTO closed
      FROM governance_agendaitem i JOIN governance_meeting m ON m.id = i.meeting_id
     WHERE i.id = item_pk;
    IF closed IS NOT NULL THEN
        RAISE EXCEPTION 'Le procès-verbal de cette séance est clos : rien n''y change.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = """
CREATE TRIGGER governance_vote_closed BEFORE INSERT OR UPDATE OR DELETE ON governance_vote
    FOR EACH ROW EXECUTE FUNCTION governance_refuse_closed_minutes();
CREATE TRIGGER governance_decision_closed BEFORE INSERT OR UPDATE OR DELETE ON governance_decision
    FOR EACH ROW EXECUTE FUNCTION governance_refuse_closed_minutes();
"""

DROP = """
DROP TRIGGER IF EXISTS governance_vote_closed ON governance_vote;
DROP TRIGGER IF EXISTS governance_decision_closed ON governance_decision;
DROP FUNCTION IF EXISTS governance_refuse_closed_minutes();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGERS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("governance", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
