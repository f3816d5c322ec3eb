"""A line moved into or out of an issued titre by raw SQL is refused too.

0003 checked the titre a line was stored under (OLD) on UPDATE, not the one it is moved to
(NEW): `UPDATE billing_titreline SET titre_id = <issued titre>` added a line to an issued
titre. The function now checks both on UPDATE.
"""

import importlib

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
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT t.state INTO titre_state FROM billing_revenuetitle t WHERE t.id = OLD.titre_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND titre_state IS DISTINCT FROM 'issued' THEN
            SELECT t.state INTO titre_state FROM billing_revenuetitle t WHERE t.id = NEW.titre_id;
        END IF;
    END IF;
    IF titre_state = 'issued' THEN
        RAISE EXCEPTION 'Un titre émis ne se modifie ni ne se supprime.'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("billing.migrations.0003_titres_immutable_trigger")
        schema_editor.execute(previous.FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_titres_immutable_trigger")]

    operations = [migrations.RunPython(create, restore)]
