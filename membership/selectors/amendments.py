"""Reads of the amendments' files, scoped: staff see the request's consortium's, a partner user
its own consortium's amendments (acts between all the parties), and only its own deliberation's
scan."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ligeris.lib.roles import STAFF, role_of
from membership.models import AmendmentFile, AmendmentParty
from membership.timeline_types import dated_events
from partners.models import Consortium, Partner
from partners.selectors import acting_partner_id, in_consortium


def amendments_visible_to(user, consortium: Consortium | None) -> QuerySet[AmendmentFile]:
    files = (
        AmendmentFile.objects.select_related(
            "amendment__convention__consortium",
            "amendment__partner",
            "decision__item__meeting__body",
        )
        .annotate(
            party_count=Count("parties", distinct=True),
            approved_count=Count(
                "parties", filter=Q(parties__approved_on__isnull=False), distinct=True
            ),
        )
        .order_by("-amendment__convention__starts_on", "-amendment__number")
    )
    if role_of(user) in STAFF:
        return in_consortium(files, user, consortium, "amendment__convention__consortium")
    own = Partner.objects.filter(pk=acting_partner_id(user)).values("consortium_id")
    return files.filter(amendment__convention__consortium_id__in=own)


def parties_of(file: AmendmentFile) -> list[AmendmentParty]:
    return list(file.parties.select_related("partner").order_by("position"))


def scan_visible_to(user, party: AmendmentParty) -> bool:
    """Staff see every scan; a partner user its own partner's deliberation only."""
    if not party.scan:
        return False
    return role_of(user) in STAFF or party.partner_id == acting_partner_id(user)


def parties_visible_to(user, consortium: Consortium | None) -> QuerySet[AmendmentParty]:
    """Staff see the consortium's amendments' parties; a partner user its own partner's."""
    parties = AmendmentParty.objects.select_related("file__amendment", "partner")
    if role_of(user) in STAFF:
        return in_consortium(parties, user, consortium, "file__amendment__convention__consortium")
    return parties.filter(partner_id=acting_partner_id(user))


def scans_visible_to(user, consortium: Consortium | None) -> QuerySet[AmendmentParty]:
    return parties_visible_to(user, consortium).exclude(scan="")


def timeline_events(partner: Partner) -> list:
    """The amendments a partner is party to: drawn up, its approval, in force."""
    events = []
    parties = AmendmentParty.objects.filter(partner=partner).select_related(
        "file__amendment", "file__decision__item__meeting__body"
    )
    for party in parties:
        file, amendment = party.file, party.file.amendment
        label = _("Avenant n° %(number)s (%(title)s)") % {
            "number": amendment.number,
            "title": amendment.title,
        }
        events += dated_events(
            file.get_absolute_url(),
            {
                "day": file.drawn_up_on,
                "category": "membership",
                "title": _("%(amendment)s établi") % {"amendment": label},
                "detail": _("D'après la décision « %(decision)s » (%(body)s).")
                % {"decision": file.decision.item.title, "body": file.decision.item.meeting.body},
                "order": 20,
            },
            {
                "day": party.approved_on,
                "category": "membership",
                "title": _("%(amendment)s approuvé par %(body)s")
                % {"amendment": label, "body": party.approving_body},
                "detail": party.deliberation_number,
                "order": 21,
            },
            {
                "day": amendment.effective_on,
                "category": "membership",
                "title": _("%(amendment)s en vigueur") % {"amendment": label},
                "order": 22,
            },
        )
    return events


def dashboard_rows(consortium: Consortium) -> list[dict]:
    """Amendments still awaiting approvals, one row each (the partner it concerns, or the
    coordinator for an amendment that concerns them all)."""
    files = (
        AmendmentFile.objects.filter(
            amendment__convention__consortium=consortium, amendment__effective_on__isnull=True
        )
        .select_related("amendment__partner")
        .annotate(
            party_count=Count("parties"),
            approved_count=Count("parties", filter=Q(parties__approved_on__isnull=False)),
        )
        .order_by("drawn_up_on", "pk")
    )
    rows = []
    for file in files:
        amendment = file.amendment
        rows.append(
            {
                "day": file.drawn_up_on,
                "title": ngettext(
                    "Avenant n° %(number)s (%(title)s) : %(approved)s approbation sur "
                    "%(parties)s parties",
                    "Avenant n° %(number)s (%(title)s) : %(approved)s approbations sur "
                    "%(parties)s parties",
                    file.approved_count,
                )
                % {
                    "number": amendment.number,
                    "title": amendment.title,
                    "approved": file.approved_count,
                    "parties": file.party_count,
                },
                "url": file.get_absolute_url(),
                "partner": amendment.partner or consortium.coordinator,
            }
        )
    return rows
