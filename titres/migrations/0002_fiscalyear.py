"""The fiscal year, moved from billing: created in the migration state only.

Its table exists already (billing 0001 made it) and keeps its name (`db_table`); the titres'
foreign keys to it are repointed in the state. Nothing is done to the database.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0019_titres_app"),
        ("partners", "0010_organisation"),
        ("titres", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="FiscalYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField(verbose_name="année")),
                        (
                            "consortium",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="fiscal_years",
                                to="partners.consortium",
                                verbose_name="groupement",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "exercice",
                        "verbose_name_plural": "exercices",
                        "db_table": "billing_fiscalyear",
                        "ordering": ["-year"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("consortium", "year"),
                                name="fiscal_year_unique",
                                violation_error_message="Cet exercice existe déjà.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("year__gte", 2000), ("year__lte", 2100)),
                                name="fiscal_year_plausible",
                                violation_error_message=(
                                    "L'année de l'exercice doit être comprise entre 2000 et 2100."
                                ),
                            ),
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="carryover",
                    name="fiscal_year",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="titres.fiscalyear",
                        verbose_name="exercice",
                    ),
                ),
                migrations.AlterField(
                    model_name="revenuetitle",
                    name="fiscal_year",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="titres",
                        to="titres.fiscalyear",
                        verbose_name="exercice",
                    ),
                ),
                migrations.AlterField(
                    model_name="titrebatch",
                    name="fiscal_year",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="batches",
                        to="titres.fiscalyear",
                        verbose_name="exercice",
                    ),
                ),
            ],
        ),
    ]
