"""PES V2: the coordinator's codes in the titre settings, the record of each export (final on PostgreSQL)."""

import django.core.validators
import django.db.models.deletion
import partners.validators
from django.conf import settings
from django.db import migrations, models


# On PostgreSQL the record of an export is final for raw SQL too, like a titre's PDF.
FINAL = """
CREATE OR REPLACE FUNCTION billing_refuse_pes_export_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Cet enregistrement est définitif : il ne se modifie ni ne se supprime.'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER billing_pesexport_final BEFORE UPDATE OR DELETE ON billing_pesexport
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_pes_export_change();
"""
DROP_FINAL = """
DROP TRIGGER IF EXISTS billing_pesexport_final ON billing_pesexport;
DROP FUNCTION IF EXISTS billing_refuse_pes_export_change();
"""


def _final(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FINAL)


def _drop_final(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FINAL)



class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0005_corrections_refunds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='titresettings',
            name='pes_budget_code',
            field=models.CharField(blank=True, help_text='2 caractères, 01 pour le budget principal (CodBud).', max_length=2, validators=[django.core.validators.RegexValidator('^[0-9A-Z][0-9]$', 'Le code budget comporte 2 caractères : un chiffre ou une majuscule, puis un chiffre.')], verbose_name='code budget (PES)'),
        ),
        migrations.AddField(
            model_name='titresettings',
            name='pes_budget_label',
            field=models.CharField(blank=True, max_length=38, verbose_name='libellé du budget (PES)'),
        ),
        migrations.AddField(
            model_name='titresettings',
            name='pes_collectivity_code',
            field=models.CharField(blank=True, help_text='3 chiffres (CodCol).', max_length=3, validators=[django.core.validators.RegexValidator('^(?!000)[0-9]{3}$', 'Le code collectivité comporte exactement 3 chiffres (pas 000).')], verbose_name='code collectivité (PES)'),
        ),
        migrations.AddField(
            model_name='titresettings',
            name='pes_function',
            field=models.CharField(blank=True, help_text='Compte fonctionnel, en M14, M52, M57 et M71 seulement ; sinon laissez vide.', max_length=10, validators=[django.core.validators.RegexValidator('^[0-9]{1,10}$', 'La fonction comporte 1 à 10 chiffres (laissez vide hors M14, M52, M57, M71).')], verbose_name='fonction (PES)'),
        ),
        migrations.AddField(
            model_name='titresettings',
            name='pes_poste',
            field=models.CharField(blank=True, help_text='6 ou 7 chiffres, donnés par le comptable public.', max_length=7, validators=[django.core.validators.RegexValidator('^(02[AB][0-9]{3,4}|[0-9]{6,7})$', 'Le codique du poste comptable comporte 6 ou 7 chiffres (ou 02A/02B suivi de 3 ou 4 chiffres).')], verbose_name='codique du poste comptable (PES)'),
        ),
        migrations.AddField(
            model_name='titresettings',
            name='pes_product_code',
            field=models.CharField(blank=True, help_text='1 à 4 lettres ou chiffres, rattaché dans Hélios à un code produit national.', max_length=4, validators=[django.core.validators.RegexValidator('^(?!0+$)[0-9A-Za-z]{1,4}$', 'Le code produit local comporte 1 à 4 lettres ou chiffres, sans espace ni accent.')], verbose_name='code produit local (PES)'),
        ),
        migrations.AddField(
            model_name='titresettings',
            name='pes_siret',
            field=models.CharField(blank=True, help_text='Identifiant de la collectivité dans Hélios (IdColl).', max_length=14, validators=[partners.validators.validate_siret], verbose_name='SIRET du budget (PES)'),
        ),
        migrations.CreateModel(
            name='PesExport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=100, verbose_name='nom du fichier')),
                ('sha256', models.CharField(max_length=64, verbose_name='empreinte SHA-256')),
                ('size', models.PositiveIntegerField(verbose_name='taille (octets)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='produit le')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pes_exports', to='billing.titrebatch', verbose_name='bordereau')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='produit par')),
            ],
            options={
                'verbose_name': 'export PES',
                'verbose_name_plural': 'exports PES',
                'ordering': ['-created_at', '-pk'],
            },
        ),
        migrations.RunPython(_final, _drop_final),
    ]
