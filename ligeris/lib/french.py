"""French typography for official documents: elision, articles, times, dates. No domain here.

Documents are always French, whatever language the reader browses in, so these helpers write
French directly rather than through the message catalogue.
"""

import datetime

from django.utils import dateformat, timezone, translation

NBSP = "\u00a0"

# Elision before a vowel or a mute h ("d'Éric", "d'Hélène", "l'Hôtel"); a leading y is a
# consonant in names ("de Yannick").
_ELIDING = frozenset("aeiouhàâäéèêëîïôöûüùœæ")


def elides(word: str) -> bool:
    return word[:1].lower() in _ELIDING


def of(words: str) -> str:
    """ "de" before `words`, elided when they start with a vowel: "d'Éric Fontaine"."""
    return f"d'{words}" if elides(words) else f"de {words}"


def with_article(noun: str, *, feminine: bool) -> str:
    """The definite article before a title: "le Maire", "la Présidente", "l'Adjointe"."""
    if elides(noun):
        return f"l'{noun}"
    return f"{'la' if feminine else 'le'} {noun}"


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """ "Directeur général" → "directeur général" in running text; an acronym stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def agree(feminine: bool, masculine_form: str, feminine_form: str) -> str:
    return feminine_form if feminine else masculine_form


def hour(moment: datetime.datetime) -> str:
    """ "14 h 00", in local time, with non-breaking spaces."""
    local = timezone.localtime(moment)
    return f"{local.hour}{NBSP}h{NBSP}{local.minute:02d}"


def long_date(moment: datetime.date | datetime.datetime) -> str:
    """ "jeudi 12 mars 2026", "mercredi 1er avril 2026", in local time."""
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    with translation.override("fr"):
        weekday, month_year = dateformat.format(day, "l"), dateformat.format(day, "F Y")
    number = "1er" if day.day == 1 else str(day.day)
    return f"{weekday} {number} {month_year}"


def short_long_date(moment: datetime.date | datetime.datetime) -> str:
    """ "12 mars 2026", "1er avril 2026"."""
    return long_date(moment).split(" ", 1)[1]
