"""French administrative identifiers."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# La Poste's establishments share one SIREN and follow their own rule (INSEE).
LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    if len(value) != 14 or not (value.isascii() and value.isdigit()):
        return False
    if value.startswith(LA_POSTE_SIREN) and value != "35600000000048":
        return sum(int(c) for c in value) % 5 == 0
    return luhn_valid(value[:9]) and luhn_valid(value)


def normalise_siret(value: str) -> str:
    return "".join(value.split())


def validate_siret(value: str) -> None:
    if len(value) != 14 or not (value.isascii() and value.isdigit()):
        raise ValidationError(
            _("Le SIRET doit comporter exactement 14 chiffres (sans espace ni lettre)."),
            code="siret_format",
        )
    if not siret_is_valid(value):
        raise ValidationError(
            _("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."),
            code="siret_checksum",
        )
