"""An exclusion case's unpaid titres are now titres.RevenueTitle: same tables, state only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("membership", "0006_deliberations_inbox"),
        ("titres", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="exclusioncase",
                    name="titres",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="titres.revenuetitle",
                        verbose_name="titres impayés",
                    ),
                ),
            ],
        ),
    ]
