"""On PostgreSQL, the rest of what is final is refused to raw SQL, TRUNCATE included.

0003/0004 refuse changing or deleting an issued titre, its lines (moves too), its PDF and its
payments. This adds:

- numbering: a titre or a batch becomes issued only with the number its year's sequence has
  just given, the one after the last issued; the sequence starts at 0, moves by one at a time,
  is never deleted, and at commit (a deferred constraint trigger) equals the last number issued.
  So a number is given by issuing only, gapless, whoever writes the SQL: no session variable
  to set, nothing in the service to trust;
- an issued batch, a run (but its locking, once), its shares (none added to a run in use), an
  e-mail record once dated are refused any change; a PDF, an e-mail or a payment needs an issued
  titre;
- TRUNCATE, which fires no row trigger, is refused on every table below by a statement trigger.
  Django's `flush` (the test suite, between transactional tests) says `ligeris.flush = 'on'` in
  its transaction (`ligeris/lib/postgresql`, the test settings' engine); nothing else does.

Protected tables: billing_revenuetitle, billing_titreline, billing_titredocument,
billing_payment, billing_titreemail, billing_titresequence, billing_titrebatch,
billing_allocationrun, billing_share, and the settlements and exports written once:
billing_refund, billing_paymentreversal, billing_carryover, billing_pesexport (their row triggers
are in 0005 and 0006).
"""

from django.db import migrations

TABLES = (
    "revenuetitle",
    "titreline",
    "titredocument",
    "payment",
    "titreemail",
    "titresequence",
    "titrebatch",
    "allocationrun",
    "share",
    "refund",
    "paymentreversal",
    "carryover",
    "pesexport",
)

REFUSE = "USING ERRCODE = 'integrity_constraint_violation'"

FUNCTIONS = {
    # A titre or a batch becomes issued with the number its sequence has just given.
    "billing_check_issue": f"""
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
        follows := NEW.number = 1 OR EXISTS (
            SELECT 1 FROM billing_revenuetitle t
             WHERE t.consortium_id = NEW.consortium_id AND t.exercise = NEW.exercise
               AND t.number = NEW.number - 1);
    ELSE
        SELECT f.consortium_id INTO consortium FROM billing_fiscalyear f
         WHERE f.id = NEW.fiscal_year_id;
        year_ := extract(year FROM NEW.issue_date);
        SELECT s.last_number INTO given FROM billing_titresequence s
         WHERE s.consortium_id = consortium AND s.year = year_ AND s.kind = 'batch';
        follows := NEW.number = 1 OR EXISTS (
            SELECT 1 FROM billing_titrebatch b JOIN billing_fiscalyear f ON f.id = b.fiscal_year_id
             WHERE f.consortium_id = consortium AND b.state = 'issued'
               AND extract(year FROM b.issue_date) = year_ AND b.number = NEW.number - 1);
    END IF;
    IF given IS DISTINCT FROM NEW.number OR NOT coalesce(follows, false) THEN
        RAISE EXCEPTION 'Un numéro se donne à l''émission seulement : le suivant de la séquence de l''année.'
            {REFUSE};
    END IF;
    RETURN NEW;
END;
""",
    "billing_refuse_issued_batch": f"""
BEGIN
    IF OLD.state = 'issued' THEN
        RAISE EXCEPTION 'Un bordereau émis ne se modifie ni ne se supprime.' {REFUSE};
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
""",
    # From 0, by one, nothing else changes, never deleted.
    "billing_guard_sequence": f"""
BEGIN
    IF (TG_OP = 'INSERT' AND NEW.last_number = 0)
       OR (TG_OP = 'UPDATE' AND NEW.last_number = OLD.last_number + 1
           AND to_jsonb(NEW) - 'last_number' = to_jsonb(OLD) - 'last_number') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'La numérotation n''avance que par l''émission, d''un numéro à la fois : elle ne se modifie ni ne se supprime.'
        {REFUSE};
END;
""",
    # Deferred to the commit: the sequence is at the last number issued in its year.
    "billing_check_sequence": f"""
DECLARE
    seq billing_titresequence%ROWTYPE;
    issued bigint;
BEGIN
    SELECT * INTO seq FROM billing_titresequence WHERE id = NEW.id;
    IF seq.kind = 'titre' THEN
        SELECT max(t.number) INTO issued FROM billing_revenuetitle t
         WHERE t.consortium_id = seq.consortium_id AND t.exercise = seq.year;
    ELSIF seq.kind = 'batch' THEN
        SELECT max(b.number) INTO issued
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
    RETURN NULL;
END;
""",
    # A run is written once; only its locking by a titre is set, once.
    "billing_guard_run": f"""
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.locked_at IS NULL
       AND to_jsonb(NEW) - 'locked_at' = to_jsonb(OLD) - 'locked_at' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Une répartition est un instantané : elle ne se modifie ni ne se supprime.'
        {REFUSE};
END;
""",
    "billing_guard_share": f"""
BEGIN
    IF TG_OP = 'INSERT' AND NOT EXISTS (
        SELECT 1 FROM billing_allocationrun r WHERE r.id = NEW.run_id AND r.locked_at IS NOT NULL
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Une répartition est un instantané : elle ne se modifie ni ne se supprime.'
        {REFUSE};
END;
""",
    # Created before sending, dated once sent, then final (deleting it would send again).
    "billing_guard_titre_email": f"""
BEGIN
    IF OLD.sent_at IS NULL AND (TG_OP = 'DELETE'
       OR to_jsonb(NEW) - 'sent_at' = to_jsonb(OLD) - 'sent_at') THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'Cet enregistrement est définitif : il ne se modifie ni ne se supprime.'
        {REFUSE};
END;
""",
    "billing_require_issued_titre": f"""
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM billing_revenuetitle t WHERE t.id = NEW.titre_id AND t.state = 'issued'
    ) THEN
        RAISE EXCEPTION 'Ce titre n''est pas émis : il n''a ni PDF, ni envoi, ni paiement.'
            {REFUSE};
    END IF;
    RETURN NEW;
END;
""",
    "billing_refuse_truncate": f"""
BEGIN
    IF current_setting('ligeris.flush', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'La table % garde des enregistrements définitifs : elle ne se vide pas.',
        TG_TABLE_NAME {REFUSE};
END;
""",
}

ROW = "FOR EACH ROW EXECUTE FUNCTION"
# (trigger, table, when, function)
TRIGGERS = [
    ("billing_revenuetitle_issue", "revenuetitle", "BEFORE INSERT OR UPDATE", "check_issue"),
    ("billing_titrebatch_issue", "titrebatch", "BEFORE INSERT OR UPDATE", "check_issue"),
    ("billing_titrebatch_issued", "titrebatch", "BEFORE UPDATE OR DELETE", "refuse_issued_batch"),
    (
        "billing_titresequence_forward",
        "titresequence",
        "BEFORE INSERT OR UPDATE OR DELETE",
        "guard_sequence",
    ),
    ("billing_allocationrun_final", "allocationrun", "BEFORE UPDATE OR DELETE", "guard_run"),
    ("billing_share_final", "share", "BEFORE INSERT OR UPDATE OR DELETE", "guard_share"),
    ("billing_titreemail_final", "titreemail", "BEFORE UPDATE OR DELETE", "guard_titre_email"),
    *(
        (f"billing_{table}_of_issued", table, "BEFORE INSERT", "require_issued_titre")
        for table in ("titredocument", "payment", "titreemail")
    ),
]


def _execute(schema_editor, sql: str) -> None:
    schema_editor.execute(sql, params=None)  # no parameters: the `%` of RAISE stay as they are


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, body in FUNCTIONS.items():
        _execute(
            schema_editor,
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ {body} $$ LANGUAGE plpgsql;",
        )
    for name, table, when, function in TRIGGERS:
        _execute(
            schema_editor,
            f"CREATE TRIGGER {name} {when} ON billing_{table} {ROW} billing_{function}();",
        )
    _execute(
        schema_editor,
        "CREATE CONSTRAINT TRIGGER billing_titresequence_issued AFTER INSERT OR UPDATE "
        "ON billing_titresequence DEFERRABLE INITIALLY DEFERRED "
        f"{ROW} billing_check_sequence();",
    )
    for table in TABLES:
        _execute(
            schema_editor,
            f"CREATE TRIGGER billing_{table}_truncate BEFORE TRUNCATE ON billing_{table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION billing_refuse_truncate();",
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    triggers = [
        *((name, table) for name, table, _when, _function in TRIGGERS),
        ("billing_titresequence_issued", "titresequence"),
        *((f"billing_{table}_truncate", table) for table in TABLES),
    ]
    for name, table in triggers:
        _execute(schema_editor, f"DROP TRIGGER IF EXISTS {name} ON billing_{table};")
    for name in FUNCTIONS:
        _execute(schema_editor, f"DROP FUNCTION IF EXISTS {name}();")


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_pes_codes_and_exports")]

    operations = [migrations.RunPython(create, drop)]
