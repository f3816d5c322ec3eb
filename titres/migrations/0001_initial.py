"""The titres models, moved from billing: created in the migration state only.

The tables exist already (billing 0002-0018 made them, with their PostgreSQL triggers) and
keep their names (`db_table`); nothing is done to the database.
"""

import django.core.validators
import django.db.models.deletion
import partners.validators
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('billing', '0018_titre_settings_court_article'),
        ('partners', '0010_organisation'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='TitreLogo',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sha256', models.CharField(max_length=64, unique=True, verbose_name='empreinte SHA-256')),
                        ('image', models.BinaryField(verbose_name='image')),
                        ('format', models.CharField(max_length=4, verbose_name='format')),
                        ('width', models.PositiveIntegerField(verbose_name='largeur (pixels)')),
                        ('height', models.PositiveIntegerField(verbose_name='hauteur (pixels)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='déposé le')),
                    ],
                    options={
                        'verbose_name': 'logo des titres',
                        'verbose_name_plural': 'logos des titres',
                        'db_table': 'billing_titrelogo',
                    },
                ),
                migrations.CreateModel(
                    name='RevenueTitle',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('annual', 'Titre annuel (terme à échoir)'), ('specific', 'Titre spécifique'), ('additional', 'Titre complémentaire (régularisation)'), ('reduction', 'Titre de réduction'), ('cancellation', "Titre d'annulation")], max_length=15, verbose_name='nature')),
                        ('state', models.CharField(choices=[('draft', 'Brouillon'), ('waived', 'Non mis en recouvrement'), ('issued', 'Émis')], default='draft', max_length=10, verbose_name='état')),
                        ('exercise', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="exercice d'émission")),
                        ('number', models.PositiveIntegerField(blank=True, null=True, verbose_name='numéro')),
                        ('object', models.CharField(max_length=300, verbose_name='objet')),
                        ('reason', models.TextField(blank=True, verbose_name='motif')),
                        ('total', models.DecimalField(decimal_places=2, max_digits=13, verbose_name='montant (€)')),
                        ('below_threshold', models.BooleanField(default=False, verbose_name='inférieur au seuil de recouvrement')),
                        ('recovery_confirmed', models.BooleanField(default=False, help_text="Sous le seuil, le titre n'est émis que si l'ordonnateur le décide.", verbose_name='mise en recouvrement décidée')),
                        ('issued_on', models.DateField(blank=True, null=True, verbose_name="date d'émission")),
                        ('due_on', models.DateField(blank=True, null=True, verbose_name='échéance')),
                        ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='émis le')),
                        ('snapshot', models.JSONField(blank=True, default=dict, help_text="Émetteur, débiteur, imputation, paiement et base juridique, tels qu'émis.", verbose_name="mentions figées à l'émission")),
                        ('consortium', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.consortium', verbose_name='groupement')),
                        ('debtor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='titres', to='partners.partner', verbose_name='débiteur')),
                        ('fiscal_year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='titres', to='billing.fiscalyear', verbose_name='exercice')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='émis par')),
                        ('original', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='corrections', to='titres.revenuetitle', verbose_name='titre corrigé')),
                        ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='titres', to='billing.allocationrun', verbose_name='répartition')),
                        ('tenant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='titres', to='partners.tenant', verbose_name='tenant')),
                    ],
                    options={
                        'verbose_name': 'titre de recette',
                        'verbose_name_plural': 'titres de recette',
                        'db_table': 'billing_revenuetitle',
                        'ordering': ['-exercise', '-number', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Payment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('paid_on', models.DateField(verbose_name='date du paiement')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=13, verbose_name='montant (€)')),
                        ('reference', models.CharField(max_length=100, verbose_name='référence')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='enregistré le')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistré par')),
                        ('titre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='titres.revenuetitle', verbose_name='titre')),
                    ],
                    options={
                        'verbose_name': 'paiement',
                        'verbose_name_plural': 'paiements',
                        'db_table': 'billing_payment',
                        'ordering': ['titre', 'paid_on', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TitreBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('issue_date', models.DateField(verbose_name="date d'émission")),
                        ('state', models.CharField(choices=[('draft', 'En préparation'), ('issued', 'Émis')], default='draft', max_length=10, verbose_name='état')),
                        ('number', models.PositiveIntegerField(blank=True, null=True, verbose_name='numéro de bordereau')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créé le')),
                        ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='émis le')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='créé par')),
                        ('fiscal_year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='batches', to='billing.fiscalyear', verbose_name='exercice')),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='émis par')),
                    ],
                    options={
                        'verbose_name': 'bordereau',
                        'verbose_name_plural': 'bordereaux',
                        'db_table': 'billing_titrebatch',
                        'ordering': ['-issue_date', '-pk'],
                    },
                ),
                migrations.AddField(
                    model_name='revenuetitle',
                    name='batch',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='titres', to='titres.titrebatch', verbose_name='bordereau'),
                ),
                migrations.CreateModel(
                    name='PesExport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file_name', models.CharField(max_length=100, verbose_name='nom du fichier')),
                        ('sha256', models.CharField(max_length=64, verbose_name='empreinte SHA-256')),
                        ('size', models.PositiveIntegerField(verbose_name='taille (octets)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='produit le')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='produit par')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pes_exports', to='titres.titrebatch', verbose_name='bordereau')),
                    ],
                    options={
                        'verbose_name': 'export PES',
                        'verbose_name_plural': 'exports PES',
                        'db_table': 'billing_pesexport',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Carryover',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('label', models.CharField(max_length=300, verbose_name='libellé')),
                        ('reason', models.CharField(max_length=300, verbose_name='motif du report')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=13, verbose_name='montant à déduire (€)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='établi le')),
                        ('consortium', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.consortium')),
                        ('debtor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='carryovers', to='partners.partner', verbose_name='débiteur')),
                        ('fiscal_year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.fiscalyear', verbose_name='exercice')),
                        ('run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.allocationrun', verbose_name='répartition')),
                        ('tenant', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.tenant', verbose_name='tenant')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='carryovers', to='titres.titrebatch', verbose_name='bordereau')),
                    ],
                    options={
                        'verbose_name': 'report sur les prochains titres',
                        'verbose_name_plural': 'reports sur les prochains titres',
                        'db_table': 'billing_carryover',
                        'ordering': ['created_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TitreBatchChunk',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('index', models.PositiveIntegerField(verbose_name='rang')),
                        ('first_number', models.PositiveIntegerField(verbose_name='premier numéro')),
                        ('last_number', models.PositiveIntegerField(verbose_name='dernier numéro')),
                        ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='produit le')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='chunks', to='titres.titrebatch', verbose_name='bordereau')),
                    ],
                    options={
                        'verbose_name': "lot de PDF d'un bordereau",
                        'verbose_name_plural': 'lots de PDF des bordereaux',
                        'db_table': 'billing_titrebatchchunk',
                        'ordering': ['batch', 'index'],
                    },
                ),
                migrations.CreateModel(
                    name='TitreDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('pdf', models.BinaryField(verbose_name='PDF')),
                        ('sha256', models.CharField(max_length=64, verbose_name='empreinte SHA-256')),
                        ('size', models.PositiveIntegerField(verbose_name='taille (octets)')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='produit le')),
                        ('titre', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='document', to='titres.revenuetitle', verbose_name='titre')),
                    ],
                    options={
                        'verbose_name': 'PDF de titre',
                        'verbose_name_plural': 'PDF de titres',
                        'db_table': 'billing_titredocument',
                    },
                ),
                migrations.CreateModel(
                    name='TitreEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(max_length=254, verbose_name='destinataire')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='envoyé le')),
                        ('titre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='emails', to='titres.revenuetitle', verbose_name='titre')),
                    ],
                    options={
                        'verbose_name': 'envoi de titre',
                        'verbose_name_plural': 'envois de titres',
                        'db_table': 'billing_titreemail',
                    },
                ),
                migrations.CreateModel(
                    name='TitreLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveSmallIntegerField(verbose_name='rang')),
                        ('label', models.CharField(max_length=300, verbose_name='libellé')),
                        ('base', models.CharField(max_length=300, verbose_name='base de liquidation')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=13, verbose_name='montant (€)')),
                        ('carryover', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='titres.carryover', verbose_name='report déduit')),
                        ('reduces', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reductions', to='titres.titreline', verbose_name='ligne réduite')),
                        ('share', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='titre_lines', to='billing.share', verbose_name='quote-part')),
                        ('titre', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lines', to='titres.revenuetitle', verbose_name='titre')),
                    ],
                    options={
                        'verbose_name': 'ligne de titre',
                        'verbose_name_plural': 'lignes de titre',
                        'db_table': 'billing_titreline',
                        'ordering': ['titre', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='TitreSequence',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('year', models.PositiveSmallIntegerField(verbose_name="année d'émission")),
                        ('kind', models.CharField(default='titre', max_length=10)),
                        ('last_number', models.PositiveIntegerField(default=0)),
                        ('consortium', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='partners.consortium')),
                    ],
                    options={
                        'db_table': 'billing_titresequence',
                    },
                ),
                migrations.CreateModel(
                    name='TitreSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('signatory_last_name', models.CharField(max_length=100, verbose_name="nom de l'ordonnateur signataire")),
                        ('signatory_first_names', models.CharField(max_length=150, verbose_name="prénoms de l'ordonnateur")),
                        ('signatory_role', models.CharField(help_text='Par exemple : Président du Conseil départemental, ou son délégataire.', max_length=200, verbose_name="qualité de l'ordonnateur")),
                        ('approving_deliberation', models.CharField(help_text='Référence de la délibération du coordonnateur, reprise sur chaque titre.', max_length=300, verbose_name='délibération approuvant la convention')),
                        ('imputation_chapter', models.CharField(default='70', max_length=10, verbose_name="chapitre d'imputation")),
                        ('imputation_article', models.CharField(default='70878', max_length=20, verbose_name="article d'imputation")),
                        ('imputation_label', models.CharField(default="Remboursements de frais par d'autres redevables", max_length=200, verbose_name="libellé de l'imputation")),
                        ('accountant_name', models.CharField(max_length=200, verbose_name='comptable public assignataire')),
                        ('accountant_address', models.CharField(max_length=300, verbose_name='adresse du comptable')),
                        ('iban', models.CharField(max_length=34, verbose_name='IBAN du comptable')),
                        ('bic', models.CharField(max_length=11, verbose_name='BIC')),
                        ('payment_days', models.PositiveSmallIntegerField(default=30, verbose_name='délai de paiement (jours)')),
                        ('exclusion_after_days', models.PositiveSmallIntegerField(default=90, help_text='Un partenaire dont un titre est impayé au-delà de ce retard est signalé.', verbose_name='retard signalé pour exclusion (jours)')),
                        ('recovery_threshold', models.DecimalField(decimal_places=2, default=Decimal('15.00'), help_text="CGCT D1611-1 : en deçà, le titre n'est mis en recouvrement que sur décision.", max_digits=13, verbose_name='seuil de mise en recouvrement (€)')),
                        ('court', models.CharField(default="Tribunal administratif d'Orléans", max_length=200, verbose_name='juridiction compétente')),
                        ('court_address', models.CharField(default='28 rue de la Bretonnerie, 45057 Orléans Cedex 1', max_length=300, verbose_name='adresse de la juridiction')),
                        ('court_article', models.CharField(blank=True, default='12', help_text='Cité par les voies de recours du titre (article 12 pour Ligeris) ; laissé vide, le titre dit « juridiction désignée par la convention ».', max_length=20, verbose_name='article de la convention désignant la juridiction')),
                        ('executory_formula', models.TextField(blank=True, help_text="Laissée vide, le titre porte la formule de l'article L. 252 A du livre des procédures fiscales et de l'article L. 1617-5 du CGCT.", max_length=1500, verbose_name='formule exécutoire')),
                        ('remedies_text', models.TextField(blank=True, help_text='Laissé vide, le titre porte le texte standard (deux mois, la juridiction ci-dessus, Télérecours). Saisi ici, il est imprimé tel quel.', max_length=3000, verbose_name='voies et délais de recours')),
                        ('pes_poste', models.CharField(blank=True, help_text='6 ou 7 chiffres, donnés par le comptable public.', max_length=7, validators=[django.core.validators.RegexValidator('^(02[AB][0-9]{3,4}|[0-9]{6,7})$', 'Le codique du poste comptable comporte 6 ou 7 chiffres (ou 02A/02B suivi de 3 ou 4 chiffres).')], verbose_name='codique du poste comptable (PES)')),
                        ('pes_siret', models.CharField(blank=True, help_text='Identifiant de la collectivité dans Hélios (IdColl).', max_length=14, validators=[partners.validators.validate_siret], verbose_name='SIRET du budget (PES)')),
                        ('pes_collectivity_code', models.CharField(blank=True, help_text='3 chiffres (CodCol).', max_length=3, validators=[django.core.validators.RegexValidator('^(?!000)[0-9]{3}$', 'Le code collectivité comporte exactement 3 chiffres (pas 000).')], verbose_name='code collectivité (PES)')),
                        ('pes_budget_code', models.CharField(blank=True, help_text='2 caractères, 01 pour le budget principal (CodBud).', max_length=2, validators=[django.core.validators.RegexValidator('^[0-9A-Z][0-9]$', 'Le code budget comporte 2 caractères : un chiffre ou une majuscule, puis un chiffre.')], verbose_name='code budget (PES)')),
                        ('pes_budget_label', models.CharField(blank=True, max_length=38, verbose_name='libellé du budget (PES)')),
                        ('pes_product_code', models.CharField(blank=True, help_text='1 à 4 lettres ou chiffres, rattaché dans Hélios à un code produit national.', max_length=4, validators=[django.core.validators.RegexValidator('^(?!0+$)[0-9A-Za-z]{1,4}$', 'Le code produit local comporte 1 à 4 lettres ou chiffres, sans espace ni accent.')], verbose_name='code produit local (PES)')),
                        ('pes_function', models.CharField(blank=True, help_text='Compte fonctionnel, en M14, M52, M57 et M71 seulement ; sinon laissez vide.', max_length=10, validators=[django.core.validators.RegexValidator('^[0-9]{1,10}$', 'La fonction comporte 1 à 10 chiffres (laissez vide hors M14, M52, M57, M71).')], verbose_name='fonction (PES)')),
                        ('one_net_titre_per_debtor', models.BooleanField(default=False, help_text="À la régularisation (et sur une répartition spécifique), le solde de chaque débiteur fait un seul titre : complémentaire s'il doit, de réduction s'il lui est dû. Sinon, un titre complémentaire pour les charges et un titre de réduction pour le reste.", verbose_name='un seul titre net par débiteur')),
                        ('consortium', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='titre_settings', to='partners.consortium', verbose_name='groupement')),
                        ('logo', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='titres.titrelogo', verbose_name='logo')),
                    ],
                    options={
                        'verbose_name': 'paramètres des titres',
                        'verbose_name_plural': 'paramètres des titres',
                        'db_table': 'billing_titresettings',
                    },
                ),
                migrations.CreateModel(
                    name='PaymentReversal',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reversed_on', models.DateField(verbose_name='date de la contre-passation')),
                        ('reason', models.TextField(verbose_name='motif')),
                        ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='enregistrée le')),
                        ('payment', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='reversal', to='titres.payment', verbose_name='paiement')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistrée par')),
                    ],
                    options={
                        'verbose_name': 'contre-passation de paiement',
                        'verbose_name_plural': 'contre-passations de paiements',
                        'db_table': 'billing_paymentreversal',
                        'constraints': [models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='payment_reversal_has_reason', violation_error_message="Une annulation d'encaissement en donne le motif.")],
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
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistré par')),
                        ('titre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='refunds', to='titres.revenuetitle', verbose_name='titre')),
                    ],
                    options={
                        'verbose_name': 'remboursement de trop-perçu',
                        'verbose_name_plural': 'remboursements de trop-perçu',
                        'db_table': 'billing_refund',
                        'ordering': ['titre', 'paid_on', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='refund_positive', violation_error_message="Le montant d'un remboursement est positif.")],
                    },
                ),
                migrations.AddConstraint(
                    model_name='payment',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payment_positive', violation_error_message="Le montant d'un encaissement est positif."),
                ),
                migrations.AddConstraint(
                    model_name='titrebatch',
                    constraint=models.UniqueConstraint(condition=models.Q(('state', 'draft')), fields=('fiscal_year', 'issue_date'), name='titre_batch_one_draft_per_date', violation_error_message='Un bordereau est déjà en préparation à cette date pour cet exercice.'),
                ),
                migrations.AddConstraint(
                    model_name='titrebatch',
                    constraint=models.CheckConstraint(condition=models.Q(('state', 'draft'), models.Q(('issued_at__isnull', False), ('number__isnull', False)), _connector='OR'), name='titre_batch_issued_numbered', violation_error_message='Un bordereau émis porte un numéro, et lui seul.'),
                ),
                migrations.AddIndex(
                    model_name='revenuetitle',
                    index=models.Index(fields=['debtor', 'state'], name='titre_debtor_state'),
                ),
                migrations.AddConstraint(
                    model_name='revenuetitle',
                    constraint=models.UniqueConstraint(fields=('consortium', 'exercise', 'number'), name='titre_number_unique', violation_error_message='Ce numéro de titre est déjà attribué.'),
                ),
                migrations.AddConstraint(
                    model_name='revenuetitle',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('due_on__isnull', False), ('exercise__isnull', False), ('issued_on__isnull', False), ('number__gte', 1), ('state', 'issued')), models.Q(models.Q(('state', 'issued'), _negated=True), ('exercise__isnull', True), ('number__isnull', True)), _connector='OR'), name='titre_issued_iff_numbered', violation_error_message="Un titre émis porte un numéro et une date d'émission, et lui seul."),
                ),
                migrations.AddConstraint(
                    model_name='revenuetitle',
                    constraint=models.CheckConstraint(condition=models.Q(('total__gte', 0)), name='titre_total_not_negative', violation_error_message="Le montant d'un titre ne peut pas être négatif."),
                ),
                migrations.AddConstraint(
                    model_name='revenuetitle',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind__in', ['reduction', 'cancellation']), ('original__isnull', False)), models.Q(models.Q(('kind__in', ['reduction', 'cancellation']), _negated=True), ('original__isnull', True)), _connector='OR'), name='titre_correction_has_original', violation_error_message="Un titre de réduction ou d'annulation vise le titre qu'il corrige, et lui seul."),
                ),
                migrations.AddConstraint(
                    model_name='carryover',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='carryover_positive', violation_error_message="Le montant d'un report est positif."),
                ),
                migrations.AddConstraint(
                    model_name='titrebatchchunk',
                    constraint=models.UniqueConstraint(fields=('batch', 'index'), name='titre_batch_chunk_once', violation_error_message='Ce lot du bordereau existe déjà.'),
                ),
                migrations.AddConstraint(
                    model_name='titrebatchchunk',
                    constraint=models.CheckConstraint(condition=models.Q(('first_number__lte', models.F('last_number'))), name='titre_batch_chunk_ordered', violation_error_message='Un lot va de son premier à son dernier numéro.'),
                ),
                migrations.AddConstraint(
                    model_name='titreemail',
                    constraint=models.UniqueConstraint(fields=('titre', 'email'), name='titre_email_once', violation_error_message='Ce titre a déjà été envoyé à cette adresse.'),
                ),
                migrations.AddConstraint(
                    model_name='titreline',
                    constraint=models.UniqueConstraint(fields=('titre', 'position'), name='titre_line_position', violation_error_message="Le rang d'une ligne de titre commence à 1."),
                ),
                migrations.AddConstraint(
                    model_name='titreline',
                    constraint=models.CheckConstraint(condition=models.Q(('reduces__isnull', True), models.Q(('amount__gt', 0), ('carryover__isnull', True)), _connector='OR'), name='titre_line_reduction_positive', violation_error_message='Une ligne de réduction est positive.'),
                ),
                migrations.AddConstraint(
                    model_name='titreline',
                    constraint=models.CheckConstraint(condition=models.Q(('carryover__isnull', True), ('amount__lt', 0), _connector='OR'), name='titre_line_carryover_deducted', violation_error_message='Une ligne de report déduit un montant : elle est négative.'),
                ),
                migrations.AddConstraint(
                    model_name='titresequence',
                    constraint=models.UniqueConstraint(fields=('consortium', 'year', 'kind'), name='titre_sequence_unique', violation_error_message='La numérotation de cette année existe déjà.'),
                ),
            ],
        ),
    ]
