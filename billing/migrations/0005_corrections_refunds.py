"""Corrections line by line, refunds of a trop-perçu, payment reversals, carry-overs.

On PostgreSQL, triggers hold what the services check first:
- a line of a reduction or cancellation names a line of the titre it corrects and never takes
  more than what remains of it (issued corrections counted), checked when the line is written
  and again when the correction is issued; a line of a charging titre reduces nothing;
- a refund never exceeds the trop-perçu of its titre;
- refunds and payment reversals are never changed or deleted; a carry-over is never changed,
  and goes only with its batch in preparation.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


LINE_CHECK = """
CREATE OR REPLACE FUNCTION billing_check_titre_line() RETURNS trigger AS $$
DECLARE
    t record;
    reduced record;
    already numeric;
BEGIN
    SELECT kind, original_id INTO t FROM billing_revenuetitle WHERE id = NEW.titre_id;
    IF t.kind IN ('reduction', 'cancellation') THEN
        IF NEW.reduces_id IS NULL THEN
            RAISE EXCEPTION 'Une ligne de réduction ou d''annulation réduit une ligne du titre corrigé : jamais une charge nouvelle.'
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT titre_id, amount INTO reduced FROM billing_titreline WHERE id = NEW.reduces_id;
        IF reduced.titre_id IS DISTINCT FROM t.original_id THEN
            RAISE EXCEPTION 'Une ligne de réduction ne réduit qu''une ligne du titre qu''elle corrige.'
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT COALESCE(SUM(l.amount), 0) INTO already FROM billing_titreline l
          JOIN billing_revenuetitle c ON c.id = l.titre_id
         WHERE l.reduces_id = NEW.reduces_id AND c.state = 'issued' AND l.id <> NEW.id;
        IF NEW.amount > reduced.amount - already THEN
            RAISE EXCEPTION 'Une ligne de réduction dépasse ce qui reste de la ligne qu''elle réduit.'
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.reduces_id IS NOT NULL THEN
        RAISE EXCEPTION 'Seul un titre de réduction ou d''annulation réduit une ligne.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

ISSUE_CHECK = """
CREATE OR REPLACE FUNCTION billing_check_correction_issue() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM billing_titreline l JOIN billing_titreline o ON o.id = l.reduces_id
         WHERE l.titre_id = NEW.id
           AND l.amount > o.amount - COALESCE((
               SELECT SUM(x.amount) FROM billing_titreline x
                 JOIN billing_revenuetitle c ON c.id = x.titre_id
                WHERE x.reduces_id = o.id AND c.state = 'issued' AND c.id <> NEW.id), 0)
    ) OR NOT EXISTS (SELECT 1 FROM billing_titreline l WHERE l.titre_id = NEW.id) THEN
        RAISE EXCEPTION 'Une correction ne réduit une ligne que de ce qui en reste.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

REFUND_CHECK = """
CREATE OR REPLACE FUNCTION billing_check_refund() RETURNS trigger AS $$
DECLARE
    net numeric;
    paid numeric;
    refunded numeric;
BEGIN
    SELECT t.total - COALESCE((SELECT SUM(c.total) FROM billing_revenuetitle c
                                WHERE c.original_id = t.id AND c.state = 'issued'), 0)
      INTO net FROM billing_revenuetitle t WHERE t.id = NEW.titre_id;
    SELECT COALESCE(SUM(p.amount), 0) INTO paid FROM billing_payment p
     WHERE p.titre_id = NEW.titre_id
       AND NOT EXISTS (SELECT 1 FROM billing_paymentreversal r WHERE r.payment_id = p.id);
    SELECT COALESCE(SUM(r.amount), 0) INTO refunded FROM billing_refund r
     WHERE r.titre_id = NEW.titre_id;
    IF NEW.amount > paid - refunded - net THEN
        RAISE EXCEPTION 'Un remboursement ne dépasse pas le trop-perçu du titre.'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

FINAL = """
CREATE OR REPLACE FUNCTION billing_refuse_settlement_change() RETURNS trigger AS $$
BEGIN
    -- Nested: PL/pgSQL does not stop at the first false operand, and only a carry-over has
    -- a batch.
    IF TG_TABLE_NAME = 'billing_carryover' AND TG_OP = 'DELETE' THEN
        IF EXISTS (
            SELECT 1 FROM billing_titrebatch b WHERE b.id = OLD.batch_id AND b.state = 'draft'
        ) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'Cet enregistrement est définitif : il ne se modifie ni ne se supprime.'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = """
CREATE TRIGGER billing_titreline_reduction BEFORE INSERT OR UPDATE ON billing_titreline
    FOR EACH ROW EXECUTE FUNCTION billing_check_titre_line();
CREATE TRIGGER billing_revenuetitle_correction_issue BEFORE UPDATE ON billing_revenuetitle
    FOR EACH ROW WHEN (OLD.state <> 'issued' AND NEW.state = 'issued'
                       AND NEW.kind IN ('reduction', 'cancellation'))
    EXECUTE FUNCTION billing_check_correction_issue();
CREATE TRIGGER billing_refund_within_overpaid BEFORE INSERT ON billing_refund
    FOR EACH ROW EXECUTE FUNCTION billing_check_refund();
CREATE TRIGGER billing_refund_final BEFORE UPDATE OR DELETE ON billing_refund
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_settlement_change();
CREATE TRIGGER billing_paymentreversal_final BEFORE UPDATE OR DELETE ON billing_paymentreversal
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_settlement_change();
CREATE TRIGGER billing_carryover_final BEFORE UPDATE OR DELETE ON billing_carryover
    FOR EACH ROW EXECUTE FUNCTION billing_refuse_settlement_change();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_titreline_reduction ON billing_titreline;
DROP TRIGGER IF EXISTS billing_revenuetitle_correction_issue ON billing_revenuetitle;
DROP TRIGGER IF EXISTS billing_refund_within_overpaid ON billing_refund;
DROP TRIGGER IF EXISTS billing_refund_final ON billing_refund;
DROP TRIGGER IF EXISTS billing_paymentreversal_final ON billing_paymentreversal;
DROP TRIGGER IF EXISTS billing_carryover_final ON billing_carryover;
DROP FUNCTION IF EXISTS billing_check_titre_line();
DROP FUNCTION IF EXISTS billing_check_correction_issue();
DROP FUNCTION IF EXISTS billing_check_refund();
DROP FUNCTION IF EXISTS billing_refuse_settlement_change();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in (LINE_CHECK, ISSUE_CHECK, REFUND_CHECK, FINAL, TRIGGERS):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0004_titre_line_moves_refused'),
        ('partners', '0002_partner_billing_email'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PaymentReversal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reversed_on', models.DateField(verbose_name='date de la contre-passation')),
                ('reason', models.TextField(verbose_name='motif')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='enregistrée le')),
            ],
            options={
                'verbose_name': 'contre-passation de paiement',
                'verbose_name_plural': 'contre-passations de paiements',
            },
        ),
        migrations.CreateModel(
            name='Refund',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mandate_number', models.CharField(max_length=50, verbose_name='numéro du mandat')),
                ('paid_on', models.DateField(verbose_name='date du mandat')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=13, verbose_name='montant remboursé (€)')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='enregistré le')),
            ],
            options={
                'verbose_name': 'remboursement de trop-perçu',
                'verbose_name_plural': 'remboursements de trop-perçu',
                'ordering': ['titre', 'paid_on', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='titreline',
            name='reduces',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reductions', to='billing.titreline', verbose_name='ligne réduite'),
        ),
        migrations.AddField(
            model_name='titresettings',
            name='one_net_titre_per_debtor',
            field=models.BooleanField(default=False, help_text="À la régularisation (et sur une répartition spécifique), le solde de chaque débiteur fait un seul titre : complémentaire s'il doit, de réduction s'il lui est dû. Sinon, un titre complémentaire pour les charges et un titre de réduction pour le reste.", verbose_name='un seul titre net par débiteur'),
        ),
        migrations.CreateModel(
            name='Carryover',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=300, verbose_name='libellé')),
                ('reason', models.CharField(max_length=300, verbose_name='motif du report')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=13, verbose_name='montant à déduire (€)')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='établi le')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='carryovers', to='billing.titrebatch', verbose_name='bordereau')),
                ('consortium', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.consortium')),
                ('debtor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='carryovers', to='partners.partner', verbose_name='débiteur')),
                ('fiscal_year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.fiscalyear', verbose_name='exercice')),
                ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.allocationrun', verbose_name='répartition')),
                ('tenant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.tenant', verbose_name='tenant')),
            ],
            options={
                'verbose_name': 'report sur les prochains titres',
                'verbose_name_plural': 'reports sur les prochains titres',
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='titreline',
            name='carryover',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='billing.carryover', verbose_name='report déduit'),
        ),
        migrations.AddConstraint(
            model_name='titreline',
            constraint=models.CheckConstraint(condition=models.Q(('reduces__isnull', True), models.Q(('amount__gt', 0), ('carryover__isnull', True)), _connector='OR'), name='titre_line_reduction_positive', violation_error_message='Une ligne de réduction est positive.'),
        ),
        migrations.AddConstraint(
            model_name='titreline',
            constraint=models.CheckConstraint(condition=models.Q(('carryover__isnull', True), ('amount__lt', 0), _connector='OR'), name='titre_line_carryover_deducted'),
        ),
        migrations.AddField(
            model_name='paymentreversal',
            name='payment',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='billing.payment', verbose_name='paiement'),
        ),
        migrations.AddField(
            model_name='paymentreversal',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistrée par'),
        ),
        migrations.AddField(
            model_name='refund',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistré par'),
        ),
        migrations.AddField(
            model_name='refund',
            name='titre',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='billing.revenuetitle', verbose_name='titre'),
        ),
        migrations.AddConstraint(
            model_name='carryover',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='carryover_positive'),
        ),
        migrations.AddConstraint(
            model_name='paymentreversal',
            constraint=models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='payment_reversal_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='refund',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='refund_positive'),
        ),
        migrations.RunPython(create, drop),
    ]
