"""Numbers given for a whole batch at once, still gapless (PostgreSQL's half of the numbering).

0007 moved a sequence by one and checked, at each titre, that it took the number just given and
followed the one before. A batch now takes its numbers under one lock of its sequence: the
sequence moves forward by the batch's count, then the titres are issued in one UPDATE, whose
rows PostgreSQL visits in no set order. So:

- a sequence starts at 0 and only moves forward (by one or more), nothing else changes, never
  deleted;
- a titre becomes issued only with a number its sequence has given (1 to its last number); the
  unique constraint keeps each number once;
- at commit (the deferred check of 0007), a moved sequence is at the last number issued, and
  that many numbers are issued: every number from 1 to it, once. A sequence moved past what is
  issued, or a number skipped, is refused there.

Batches are still numbered one at a time, checked as in 0007.
"""

from django.db import migrations

REFUSE = "USING ERRCODE = 'integrity_constraint_violation'"

CHECK_ISSUE = f"""
DECLARE
    consortium bigint;
    year_ integer;
    given bigint;
    follows boolean;
BEGIN
    IF NEW.state <> 'issued' OR (TG_OP = 'UPDATE' AND OLD.state = 'issued') THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'billing_revenuetitle' THEN
        SELECT s.last_number INTO given FROM billing_titresequence s
         WHERE s.consortium_id = NEW.consortium_id AND s.year = NEW.exercise AND s.kind = 'titre';
        follows := NEW.number BETWEEN 1 AND given;
    ELSE
        SELECT f.consortium_id INTO consortium FROM billing_fiscalyear f
         WHERE f.id = NEW.fiscal_year_id;
        year_ := extract(year FROM NEW.issue_date);
        SELECT s.last_number INTO given FROM billing_titresequence s
         WHERE s.consortium_id = consortium AND s.year = year_ AND s.kind = 'batch';
        follows := given = NEW.number AND (NEW.number = 1 OR EXISTS (
            SELECT 1 FROM billing_titrebatch b JOIN billing_fiscalyear f ON f.id = b.fiscal_year_id
             WHERE f.consortium_id = consortium AND b.state = 'issued'
               AND extract(year FROM b.issue_date) = year_ AND b.number = NEW.number - 1));
    END IF;
    IF NOT coalesce(follows, false) THEN
        RAISE EXCEPTION 'Un numéro se donne à l''émission seulement : le suivant de la séquence de l''année.'
            {REFUSE};
    END IF;
    RETURN NEW;
END;
"""

GUARD_SEQUENCE = f"""
BEGIN
    IF (TG_OP = 'INSERT' AND NEW.last_number = 0)
       OR (TG_OP = 'UPDATE' AND NEW.last_number > OLD.last_number
           AND to_jsonb(NEW) - 'last_number' = to_jsonb(OLD) - 'last_number') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'La numérotation n''avance que par l''émission : elle ne recule, ne se modifie ni ne se supprime.'
        {REFUSE};
END;
"""

CHECK_SEQUENCE = f"""
DECLARE
    seq billing_titresequence%ROWTYPE;
    issued bigint;
    counted bigint;
BEGIN
    SELECT * INTO seq FROM billing_titresequence WHERE id = NEW.id;
    IF seq.kind = 'titre' THEN
        SELECT max(t.number), count(t.number) INTO issued, counted FROM billing_revenuetitle t
         WHERE t.consortium_id = seq.consortium_id AND t.exercise = seq.year;
    ELSIF seq.kind = 'batch' THEN
        SELECT max(b.number), count(b.number) INTO issued, counted
          FROM billing_titrebatch b JOIN billing_fiscalyear f ON f.id = b.fiscal_year_id
         WHERE f.consortium_id = seq.consortium_id AND b.state = 'issued'
           AND extract(year FROM b.issue_date) = seq.year;
    ELSE
        RETURN NULL;
    END IF;
    IF seq.last_number <> coalesce(issued, 0) THEN
        RAISE EXCEPTION 'La numérotation n''avance que par l''émission : la séquence % % est à %, le dernier numéro émis est %.',
            seq.kind, seq.year, seq.last_number, coalesce(issued, 0) {REFUSE};
    END IF;
    IF counted <> coalesce(issued, 0) THEN
        RAISE EXCEPTION 'La numérotation n''avance que par l''émission : la séquence % % est à %, mais % numéros seulement sont émis.',
            seq.kind, seq.year, seq.last_number, counted {REFUSE};
    END IF;
    RETURN NULL;
END;
"""

FUNCTIONS = {
    "billing_check_issue": CHECK_ISSUE,
    "billing_guard_sequence": GUARD_SEQUENCE,
    "billing_check_sequence": CHECK_SEQUENCE,
}


def _replace(schema_editor, functions: dict[str, str]) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, body in functions.items():
        # No parameters: the `%` of RAISE stay as they are. The triggers of 0007 call these.
        schema_editor.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ {body} $$ LANGUAGE plpgsql;",
            params=None,
        )


def forward(apps, schema_editor):
    _replace(schema_editor, FUNCTIONS)


def backward(apps, schema_editor):
    from importlib import import_module

    previous = import_module("billing.migrations.0007_final_rows_numbering_truncate").FUNCTIONS
    _replace(schema_editor, {name: previous[name] for name in FUNCTIONS})


class Migration(migrations.Migration):
    dependencies = [("billing", "0010_pool_category_termination")]

    operations = [migrations.RunPython(forward, backward)]
