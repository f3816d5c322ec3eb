"""The consortium's titre settings: who signs, where the money goes, the PES codes, thresholds,
and the logo printed in the issuer block."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ligeris.lib.fields import money_field
from ligeris.lib.scopes import scoped_manager
from partners.models import Consortium
from partners.validators import validate_siret
from titres.pes import validators as pes


class TitreLogo(models.Model):
    """An image printed on titres, stored under the SHA-256 of its bytes: a titre's snapshot
    names its logo by that hash, so a logo once used is never changed nor removed (the settings
    point to another one instead)."""

    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    image = models.BinaryField(_("image"))
    format = models.CharField(_("format"), max_length=4)  # "png" or "jpeg"
    width = models.PositiveIntegerField(_("largeur (pixels)"))
    height = models.PositiveIntegerField(_("hauteur (pixels)"))
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    class Meta:
        db_table = "billing_titrelogo"
        verbose_name = _("logo des titres")
        verbose_name_plural = _("logos des titres")

    def __str__(self) -> str:
        return f"{self.sha256[:12]}….{self.format} ({self.width} × {self.height})"


class TitreSettings(models.Model):
    """What every titre of a consortium states: the signing authority, the imputation, payment."""

    consortium = models.OneToOneField(
        Consortium,
        verbose_name=_("groupement"),
        on_delete=models.PROTECT,
        related_name="titre_settings",
    )
    signatory_last_name = models.CharField(_("nom de l'ordonnateur signataire"), max_length=100)
    signatory_first_names = models.CharField(_("prénoms de l'ordonnateur"), max_length=150)
    signatory_role = models.CharField(
        _("qualité de l'ordonnateur"),
        max_length=200,
        help_text=_("Par exemple : Président du Conseil départemental, ou son délégataire."),
    )
    approving_deliberation = models.CharField(
        _("délibération approuvant la convention"),
        max_length=300,
        help_text=_("Référence de la délibération du coordonnateur, reprise sur chaque titre."),
    )
    imputation_chapter = models.CharField(_("chapitre d'imputation"), max_length=10, default="70")
    imputation_article = models.CharField(_("article d'imputation"), max_length=20, default="70878")
    imputation_label = models.CharField(
        _("libellé de l'imputation"),
        max_length=200,
        default="Remboursements de frais par d'autres redevables",
    )
    accountant_name = models.CharField(_("comptable public assignataire"), max_length=200)
    accountant_address = models.CharField(_("adresse du comptable"), max_length=300)
    iban = models.CharField(_("IBAN du comptable"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    payment_days = models.PositiveSmallIntegerField(_("délai de paiement (jours)"), default=30)
    exclusion_after_days = models.PositiveSmallIntegerField(
        _("retard signalé pour exclusion (jours)"),
        default=90,
        help_text=_("Un partenaire dont un titre est impayé au-delà de ce retard est signalé."),
    )
    recovery_threshold = money_field(
        _("seuil de mise en recouvrement (€)"),
        default=Decimal("15.00"),
        help_text=_("CGCT D1611-1 : en deçà, le titre n'est mis en recouvrement que sur décision."),
    )
    court = models.CharField(
        _("juridiction compétente"), max_length=200, default="Tribunal administratif d'Orléans"
    )
    court_address = models.CharField(
        _("adresse de la juridiction"),
        max_length=300,
        default="28 rue de la Bretonnerie, 45057 Orléans Cedex 1",
    )
    court_article = models.CharField(
        _("article de la convention désignant la juridiction"),
        max_length=20,
        blank=True,
        default="12",
        help_text=_(
            "Cité par les voies de recours du titre (article 12 pour Ligeris) ; laissé vide, "
            "le titre dit « juridiction désignée par la convention »."
        ),
    )
    # The legal wording an administrator may adapt; empty, the titre prints the standard text.
    executory_formula = models.TextField(
        _("formule exécutoire"),
        max_length=1500,
        blank=True,
        help_text=_(
            "Laissée vide, le titre porte la formule de l'article L. 252 A du livre des "
            "procédures fiscales et de l'article L. 1617-5 du CGCT."
        ),
    )
    remedies_text = models.TextField(
        _("voies et délais de recours"),
        max_length=3000,
        blank=True,
        help_text=_(
            "Laissé vide, le titre porte le texte standard (deux mois, la juridiction "
            "ci-dessus, Télérecours). Saisi ici, il est imprimé tel quel."
        ),
    )
    logo = models.ForeignKey(
        TitreLogo,
        verbose_name=_("logo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The codes of the PES V2 flux to Hélios, as the public accountant gives them.
    pes_poste = models.CharField(
        _("codique du poste comptable (PES)"),
        max_length=7,
        blank=True,
        validators=[pes.validate_poste],
        help_text=_("6 ou 7 chiffres, donnés par le comptable public."),
    )
    pes_siret = models.CharField(
        _("SIRET du budget (PES)"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("Identifiant de la collectivité dans Hélios (IdColl)."),
    )
    pes_collectivity_code = models.CharField(
        _("code collectivité (PES)"),
        max_length=3,
        blank=True,
        validators=[pes.validate_collectivity_code],
        help_text=_("3 chiffres (CodCol)."),
    )
    pes_budget_code = models.CharField(
        _("code budget (PES)"),
        max_length=2,
        blank=True,
        validators=[pes.validate_budget_code],
        help_text=_("2 caractères, 01 pour le budget principal (CodBud)."),
    )
    pes_budget_label = models.CharField(_("libellé du budget (PES)"), max_length=38, blank=True)
    pes_product_code = models.CharField(
        _("code produit local (PES)"),
        max_length=4,
        blank=True,
        validators=[pes.validate_product_code],
        help_text=_("1 à 4 lettres ou chiffres, rattaché dans Hélios à un code produit national."),
    )
    pes_function = models.CharField(
        _("fonction (PES)"),
        max_length=10,
        blank=True,
        validators=[pes.validate_function],
        help_text=_("Compte fonctionnel, en M14, M52, M57 et M71 seulement ; sinon laissez vide."),
    )

    #: The codes without which no PES flux is produced.
    PES_REQUIRED = (
        "pes_poste",
        "pes_siret",
        "pes_collectivity_code",
        "pes_budget_code",
        "pes_product_code",
    )
    one_net_titre_per_debtor = models.BooleanField(
        _("un seul titre net par débiteur"),
        default=False,
        help_text=_(
            "À la régularisation (et sur une répartition spécifique), le solde de chaque débiteur "
            "fait un seul titre : complémentaire s'il doit, de réduction s'il lui est dû. Sinon, "
            "un titre complémentaire pour les charges et un titre de réduction pour le reste."
        ),
    )

    objects = scoped_manager("consortium")

    class Meta:
        db_table = "billing_titresettings"
        verbose_name = _("paramètres des titres")
        verbose_name_plural = _("paramètres des titres")

    def __str__(self) -> str:
        return str(_("Paramètres des titres de %(consortium)s") % {"consortium": self.consortium})

    def clean(self) -> None:
        # The PES codes go together: a flux with some of them would be refused by Hélios.
        given = [name for name in self.PES_REQUIRED if getattr(self, name)]
        if given and len(given) < len(self.PES_REQUIRED):
            message = _("Renseignez aussi ce code : le flux PES les demande tous.")
            raise ValidationError(
                {name: message for name in self.PES_REQUIRED if not getattr(self, name)}
            )

    @property
    def pes_ready(self) -> bool:
        return all(getattr(self, name) for name in self.PES_REQUIRED)
