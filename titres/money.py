"""Money and quantities: one rounding rule, cents as integers, French display.

Pure helpers, no Django: the allocation engine and the benchmark use them.
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MEGABYTES_PER_GIGABYTE = 1000
MEGABYTES_PER_TERABYTE = 1_000_000


def round_money(value: Decimal | int | str) -> Decimal:
    """Euros to the cent, half up: the only rounding of money in Ligeris."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_cents(value: Decimal) -> int:
    return int(round_money(value) * 100)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _french_number(value: Decimal, places: int) -> str:
    text = f"{value:,.{places}f}"  # 1,234.56
    return text.replace(",", "\u202f").replace(".", ",")


def format_euros(value: Decimal) -> str:
    """1 234,56 € (narrow no-break space between thousands, as French typography wants)."""
    return f"{_french_number(round_money(value), 2)}\u00a0€"


FRENCH_UNITS = ("Mo", "Go", "To")


def format_megabytes(
    megabytes: int, *, unit_of: int | None = None, units: tuple[str, str, str] = FRENCH_UNITS
) -> str:
    """A volume in the unit that suits `unit_of` (default: itself): 1,25 To, 830,00 Go, 12 Mo."""
    scale = megabytes if unit_of is None else unit_of
    mega, giga, tera = units
    if scale >= MEGABYTES_PER_TERABYTE:
        return f"{_french_number(Decimal(megabytes) / MEGABYTES_PER_TERABYTE, 2)}\u00a0{tera}"
    if scale >= MEGABYTES_PER_GIGABYTE:
        return f"{_french_number(Decimal(megabytes) / MEGABYTES_PER_GIGABYTE, 2)}\u00a0{giga}"
    return f"{_french_number(Decimal(megabytes), 0)}\u00a0{mega}"


def gigabytes_to_megabytes(gigabytes: Decimal) -> int:
    return int((gigabytes * MEGABYTES_PER_GIGABYTE).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def amount_in_words(value: Decimal) -> str:
    """The amount in French words, as a titre states it: « mille deux cent trois euros et … »."""
    cents = to_cents(value)
    if cents < 0:
        return "moins " + amount_in_words(-from_cents(cents))
    euros, rest = divmod(cents, 100)
    words = num2words(euros, lang="fr")
    # « un million d'euros », « deux milliards d'euros »: the noun takes « de ».
    unit = "euro" if euros in (0, 1) else "euros"
    if words.endswith(("million", "millions", "milliard", "milliards")):
        unit = "d'euros"
    text = f"{words} {unit}"
    if rest:
        text += f" et {num2words(rest, lang='fr')} centime{'s' if rest > 1 else ''}"
    return text


def split_cents(total: int, weights: Sequence[int], tie_keys: Sequence[str]) -> list[int]:
    """`total` cents split in proportion to `weights` by largest remainder, ties by `tie_keys`."""
    weight_total = sum(weights)
    if weight_total <= 0:
        raise ValueError("weights must sum to a positive number")
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    floors = []
    remainders = []
    for weight in weights:
        quotient, remainder = divmod(magnitude * weight, weight_total)
        floors.append(quotient)
        remainders.append(remainder)
    left = magnitude - sum(floors)
    if left:
        ranked = sorted(range(len(weights)), key=lambda i: (-remainders[i], tie_keys[i]))
        for index in ranked[:left]:
            floors[index] += 1
    return [sign * cents for cents in floors]
