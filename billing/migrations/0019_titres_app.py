"""The titres models left billing for the titres app (DESIGN §7): removed from billing's
migration state only, their tables stay (`db_table` in titres keeps the names, so the triggers
of 0003-0007 and 0015 still apply).

Their content types follow them (billing -> titres), so the audit entries and permissions that
point to them keep doing so.
"""

from django.db import migrations

MOVED = [
    "carryover",
    "payment",
    "paymentreversal",
    "pesexport",
    "refund",
    "revenuetitle",
    "titrebatch",
    "titrebatchchunk",
    "titredocument",
    "titreemail",
    "titreline",
    "titrelogo",
    "titresequence",
    "titresettings",
]


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


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0018_titre_settings_court_article"),
        ("titres", "0001_initial"),
        ("catalogue", "0002_titres_app"),
        ("membership", "0007_titres_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name="titreline",
                    name="carryover",
                ),
                migrations.RemoveField(
                    model_name="payment",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="payment",
                    name="titre",
                ),
                migrations.RemoveField(
                    model_name="paymentreversal",
                    name="payment",
                ),
                migrations.RemoveField(
                    model_name="paymentreversal",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="pesexport",
                    name="batch",
                ),
                migrations.RemoveField(
                    model_name="pesexport",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="refund",
                    name="recorded_by",
                ),
                migrations.RemoveField(
                    model_name="refund",
                    name="titre",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="batch",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="consortium",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="debtor",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="fiscal_year",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="issued_by",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="original",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="revenuetitle",
                    name="tenant",
                ),
                migrations.RemoveField(
                    model_name="titredocument",
                    name="titre",
                ),
                migrations.RemoveField(
                    model_name="titreemail",
                    name="titre",
                ),
                migrations.RemoveField(
                    model_name="titreline",
                    name="titre",
                ),
                migrations.RemoveField(
                    model_name="titrebatch",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="titrebatch",
                    name="fiscal_year",
                ),
                migrations.RemoveField(
                    model_name="titrebatch",
                    name="issued_by",
                ),
                migrations.RemoveField(
                    model_name="titrebatchchunk",
                    name="batch",
                ),
                migrations.RemoveField(
                    model_name="titreline",
                    name="reduces",
                ),
                migrations.RemoveField(
                    model_name="titreline",
                    name="share",
                ),
                migrations.RemoveField(
                    model_name="titresettings",
                    name="logo",
                ),
                migrations.RemoveField(
                    model_name="titresequence",
                    name="consortium",
                ),
                migrations.RemoveField(
                    model_name="titresettings",
                    name="consortium",
                ),
                migrations.DeleteModel(
                    name="Carryover",
                ),
                migrations.DeleteModel(
                    name="Payment",
                ),
                migrations.DeleteModel(
                    name="PaymentReversal",
                ),
                migrations.DeleteModel(
                    name="PesExport",
                ),
                migrations.DeleteModel(
                    name="Refund",
                ),
                migrations.DeleteModel(
                    name="TitreDocument",
                ),
                migrations.DeleteModel(
                    name="TitreEmail",
                ),
                migrations.DeleteModel(
                    name="RevenueTitle",
                ),
                migrations.DeleteModel(
                    name="TitreBatch",
                ),
                migrations.DeleteModel(
                    name="TitreBatchChunk",
                ),
                migrations.DeleteModel(
                    name="TitreLine",
                ),
                migrations.DeleteModel(
                    name="TitreLogo",
                ),
                migrations.DeleteModel(
                    name="TitreSequence",
                ),
                migrations.DeleteModel(
                    name="TitreSettings",
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
