"""The titre of a catalogue billing is now titres.RevenueTitle: same table, state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
        ("titres", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="cataloguetitre",
                    name="titre",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="catalogue_billing",
                        to="titres.revenuetitle",
                        verbose_name="titre",
                    ),
                ),
            ],
        ),
    ]
