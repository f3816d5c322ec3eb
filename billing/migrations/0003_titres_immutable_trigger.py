"""On PostgreSQL, the database itself refuses to change an issued titre, its lines, its PDF, a payment.

The services refuse first and explain; the models refuse too. These triggers cover raw SQL.
SQLite has no such procedural language: there the two other layers hold.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION billing_refuse_issued_titre() RETURNS trigger AS $$
DECLARE
    titre_state varchar;
BEGIN
    IF TG_TABLE_NAME IN ('billing_titredocument', 'billing_payment') THEN
        RAISE EXCEPTION 'Cet enregistrement est définitif : il ne se modifie ni ne se supprime.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_TABLE_NAME = 'billing_revenuetitle' THEN
        titre_state := OLD.state;
    ELSE
        SELECT t.state INTO titre_state FROM billing_revenuetitle t
         WHERE t.id = CASE WHEN TG_OP = 'INSERT' THEN NEW.titre_id ELSE OLD.titre_id END;
    END IF;
    IF titre_state = 'issued' THEN
        RAISE EXCEPTION 'Un titre émis ne se modifie ni ne se supprime.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = """
CREATE TRIGGER billing_revenuetitle_issued BEFORE UPDATE OR DELETE ON billing_revenuetitle
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_titre();
CREATE TRIGGER billing_titreline_issued BEFORE INSERT OR UPDATE OR DELETE ON billing_titreline
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_titre();
CREATE TRIGGER billing_titredocument_final BEFORE UPDATE OR DELETE ON billing_titredocument
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_titre();
CREATE TRIGGER billing_payment_final BEFORE UPDATE OR DELETE ON billing_payment
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_issued_titre();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_revenuetitle_issued ON billing_revenuetitle;
DROP TRIGGER IF EXISTS billing_titreline_issued ON billing_titreline;
DROP TRIGGER IF EXISTS billing_titredocument_final ON billing_titredocument;
DROP TRIGGER IF EXISTS billing_payment_final ON billing_payment;
DROP FUNCTION IF EXISTS billing_refuse_issued_titre();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGERS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_titres")]

    operations = [migrations.RunPython(create, drop)]
