"""The fiscal year left billing for titres (a titre belongs to an exercise and is numbered per
exercise, whatever computed its amounts): removed from billing's migration state only, its table
stays (`db_table` keeps the name). Billing's foreign keys to it are repointed in the state.

Its content type follows it (billing -> titres), so the audit entries and permissions that point
to it keep doing so.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["fiscalyear"]


def _relabel(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    taken = set(
        content_type.objects.filter(app_label=target, model__in=MOVED).values_list(
            "model", flat=True
        )
    )
    # A row already under the target (a post_migrate in between) is kept; the old one stays stale.
    content_type.objects.filter(app_label=source, model__in=set(MOVED) - taken).update(
        app_label=target
    )


def forwards(apps, schema_editor) -> None:
    _relabel(apps, "billing", "titres")


def backwards(apps, schema_editor) -> None:
    _relabel(apps, "titres", "billing")


def _to_year(kind, related_name: str):
    return kind(
        on_delete=django.db.models.deletion.PROTECT,
        related_name=related_name,
        to="titres.fiscalyear",
        verbose_name="exercice",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0019_titres_app"),
        ("titres", "0002_fiscalyear"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="allocationrun",
                    name="fiscal_year",
                    field=_to_year(models.ForeignKey, "runs"),
                ),
                migrations.AlterField(
                    model_name="costpool",
                    name="fiscal_year",
                    field=_to_year(models.ForeignKey, "pools"),
                ),
                migrations.AlterField(
                    model_name="orderingperiod",
                    name="fiscal_year",
                    field=_to_year(models.OneToOneField, "ordering_period"),
                ),
                migrations.AlterField(
                    model_name="purchaseorder",
                    name="fiscal_year",
                    field=_to_year(models.ForeignKey, "orders"),
                ),
                migrations.AlterField(
                    model_name="recapexport",
                    name="fiscal_year",
                    field=_to_year(models.ForeignKey, "+"),
                ),
                migrations.AlterField(
                    model_name="tariffgrid",
                    name="fiscal_year",
                    field=_to_year(models.OneToOneField, "grid"),
                ),
                migrations.DeleteModel(name="FiscalYear"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
