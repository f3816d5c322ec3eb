"""Validators of the coordinator's PES codes: no model import, the settings model uses them."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

#: Codique of a poste comptable: 6 or 7 digits, or 02A/02B and 3 or 4 digits (Base_TexteCodique7).
validate_poste = RegexValidator(
    r"^(02[AB][0-9]{3,4}|[0-9]{6,7})$",
    _(
        "Le codique du poste comptable comporte 6 ou 7 chiffres (ou 02A/02B suivi de 3 ou 4 chiffres)."
    ),
)
#: Code collectivité: exactly 3 digits, not all zeros (Base_CodeCol3).
validate_collectivity_code = RegexValidator(
    r"^(?!000)[0-9]{3}$", _("Le code collectivité comporte exactement 3 chiffres (pas 000).")
)
#: Code budget: a digit or an upper-case letter, then a digit (Base_CodeBud2).
validate_budget_code = RegexValidator(
    r"^[0-9A-Z][0-9]$",
    _("Le code budget comporte 2 caractères : un chiffre ou une majuscule, puis un chiffre."),
)
#: Code produit local: 1 to 4 letters or digits, not only zeros (Base_Alphanum4).
validate_product_code = RegexValidator(
    r"^(?!0+$)[0-9A-Za-z]{1,4}$",
    _("Le code produit local comporte 1 à 4 lettres ou chiffres, sans espace ni accent."),
)
#: Fonction: up to 10 digits (Base_Num10_Light), for the M14, M52, M57 and M71 budgets only.
validate_function = RegexValidator(
    r"^[0-9]{1,10}$",
    _("La fonction comporte 1 à 10 chiffres (laissez vide hors M14, M52, M57, M71)."),
)
#: Nature (the imputation account): up to 12 digits, not zero (Base_Num12).
validate_nature = RegexValidator(
    r"^(?!0+$)[0-9]{1,12}$", _("Le compte d'imputation comporte 1 à 12 chiffres, sans lettre.")
)
