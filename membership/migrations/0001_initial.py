# The app's first migration: its models come in the migrations that follow, one per event kind.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("partners", "0003_person_civility"),
        ("governance", "0005_closed_minutes_moves_and_truncate"),
        ("billing", "0007_final_rows_numbering_truncate"),
    ]

    operations: list = []
