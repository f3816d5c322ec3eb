"""A titre's PDF is stored as it is: PostgreSQL's TOAST compression found nothing to gain on
these already compressed files and cost its server about 0.5 ms a PDF trying (3,000 stored in
2.3–2.6 s, 0.7 s uncompressed, the same size). Rows stored before keep their form."""

from django.db import migrations

TABLE, COLUMN = "billing_titredocument", "pdf"


def _storage(mode):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN {COLUMN} SET STORAGE {mode}")

    return run


class Migration(migrations.Migration):
    dependencies = [("titres", "0002_fiscalyear")]

    operations = [migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED"))]
