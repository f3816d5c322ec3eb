"""Counts, agreements and titles as the minutes write them: "aucune abstention", "1 tenant
délibérant", "La secrétaire de séance".

Plurals go through `ngettext`; zero is written out ("aucune"), which French reads better and which
the catalogue's plural rule would otherwise get wrong (French says "0 abstention").
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ligeris.lib import french
from partners.models import Person


def against(count: int) -> str:
    if not count:
        return _("aucune contre")
    return _("%(count)s contre") % {"count": count}


def abstentions(count: int) -> str:
    if not count:
        return _("aucune abstention")
    return ngettext("%(count)s abstention", "%(count)s abstentions", count) % {"count": count}


def votes_for(count: int) -> str:
    if not count:
        return _("aucune voix pour")
    return _("%(count)s voix pour") % {"count": count}


def tally(votes_for_: int, against_: int, abstentions_: int) -> str:
    """ "11 pour, aucune contre, 1 abstention"."""
    return _("%(for)s pour, %(against)s, %(abstain)s") % {
        "for": votes_for_,
        "against": against(against_),
        "abstain": abstentions(abstentions_),
    }


def advisory_opinions(count: int) -> str:
    return ngettext("%(count)s avis consultatif", "%(count)s avis consultatifs", count) % {
        "count": count
    }


def represented_tenants(count: int) -> str:
    if not count:
        return _("aucun tenant délibérant présent ou représenté")
    return ngettext(
        "%(count)s tenant délibérant présent ou représenté",
        "%(count)s tenants délibérants présents ou représentés",
        count,
    ) % {"count": count}


def members(count: int) -> str:
    return ngettext("%(count)s membre", "%(count)s membres", count) % {"count": count}


def days(count: int) -> str:
    return ngettext("%(count)s jour", "%(count)s jours", count) % {"count": count}


# --- People in the minutes ----------------------------------------------------------------------


def chair_heading(chair: Person | None, title: str) -> str:
    """What the chair signs under: "Le Directeur général des services", "La Présidente de séance"."""
    feminine = bool(chair and chair.is_feminine)
    if title:
        return french.capitalize_first(french.with_article(title, feminine=feminine))
    return _("La présidente de séance") if feminine else _("Le président de séance")


def secretary_heading(secretary: Person | None) -> str:
    if secretary and secretary.is_feminine:
        return _("La secrétaire de séance")
    return _("Le secrétaire de séance")


def chair_title(meeting) -> str:
    """The chair's office: the meeting's own wording, else the person's job title."""
    if meeting.chair_title:
        return meeting.chair_title
    return meeting.chair.job_title if meeting.chair else ""


def excused(person: Person) -> str:
    return _("excusée") if person.is_feminine else _("excusé")
