"""The inbox's sections and the providers that build them, one query or two each."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.order_selectors import orders_awaiting_partner, orders_sent_by
from billing.templatetags.euros import euros_text
from governance.models import MeetingRequest
from membership.models import AmendmentParty, DeliberationSubmission, SubmissionState
from partners.models import ContactChange, ContactChangeState, Partner
from titres.models import CHARGING_KINDS, RevenueTitle, TitreState
from titres.money import round_money
from titres.titre_selectors import status_of, with_balance

#: An answer, a refusal, stays among what awaits the partner this long after it was given.
RECENT_DAYS = 30
#: What a "sent" section lists at most (the newest): the full lists have their own pages.
SENT_LIMIT = 20


@dataclass(frozen=True)
class InboxItem:
    title: str
    state: str
    url: str
    day: datetime.date | None = None
    detail: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[InboxItem] = field(default_factory=list)
    more_url: str = ""


Provider = Callable[[Partner], Section | None]


def _recent(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=RECENT_DAYS)


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


# --- What awaits the partner --------------------------------------------------------------------


def amendments_to_approve(partner: Partner) -> Section:
    """Amendments not in force whose approval by the partner is missing and not yet uploaded."""
    parties = (
        AmendmentParty.objects.filter(
            partner=partner, approved_on__isnull=True, file__amendment__effective_on__isnull=True
        )
        .exclude(submissions__state=SubmissionState.SUBMITTED)
        .select_related("file__amendment")
        .order_by("file__drawn_up_on", "pk")
    )
    items = [
        InboxItem(
            title=_("Avenant n° %(number)s — %(title)s")
            % {"number": party.file.amendment.number, "title": party.file.amendment.title},
            state=_("Délibération d'approbation à déposer"),
            url=reverse("membership:deliberation_submit", args=[party.file_id]),
            day=party.file.drawn_up_on,
        )
        for party in parties
    ]
    return Section("amendments", _("Avenants à approuver"), items)


def titres_due(partner: Partner) -> Section:
    """Issued titres of which the partner is debtor with something left to pay."""
    titres = with_balance(
        RevenueTitle.objects.filter(
            debtor=partner, state=TitreState.ISSUED, kind__in=CHARGING_KINDS
        )
        .select_related("debtor")
        .defer("snapshot")
    ).filter(balance__gt=0)
    items = [
        InboxItem(
            title=_("Titre %(reference)s — %(object)s")
            % {"reference": titre.reference, "object": titre.object},
            state=str(status_of(titre).label),
            url=titre.get_absolute_url(),
            day=titre.due_on,
            detail=_("Reste à payer : %(amount)s")
            % {"amount": euros_text(round_money(titre.balance))},
        )
        for titre in titres.order_by("due_on", "exercise", "number")
    ]
    return Section("titres", _("Titres à payer"), items, reverse("billing:my_titres"))


def answers_received(partner: Partner) -> Section:
    """Answers to the partner's requests given lately: meetings scheduled or refused, contact
    changes and deliberations refused."""
    since = _recent()
    items = []
    requests = MeetingRequest.objects.filter(partner=partner, decided_at__gte=since).select_related(
        "body", "meeting"
    )
    for request in requests:
        detail = request.answer
        if request.meeting is not None:
            detail = _("Séance le %(day)s") % {
                "day": timezone.localtime(request.meeting.starts_at).strftime("%d/%m/%Y")
            }
        items.append(
            InboxItem(
                title=_("Demande de séance du %(body)s : %(subject)s")
                % {"body": request.body, "subject": request.subject},
                state=request.get_state_display(),
                url=reverse("governance:meeting_request_list"),
                day=_day(request.decided_at),
                detail=detail,
            )
        )
    changes = ContactChange.objects.filter(
        partner=partner, state=ContactChangeState.REJECTED, decided_at__gte=since
    ).select_related("partner")
    items += [
        InboxItem(
            title=str(change),
            state=change.get_state_display(),
            url=reverse("partners:contact_change_list"),
            day=_day(change.decided_at),
            detail=change.reason,
        )
        for change in changes
    ]
    rejected = DeliberationSubmission.objects.filter(
        party__partner=partner, state=SubmissionState.REJECTED, decided_at__gte=since
    ).select_related("party__file__amendment")
    items += [
        InboxItem(
            title=_("Délibération pour l'avenant n° %(number)s")
            % {"number": submission.party.file.amendment.number},
            state=submission.get_state_display(),
            url=reverse("membership:amendment_detail", args=[submission.party.file_id]),
            day=_day(submission.decided_at),
            detail=submission.reason,
        )
        for submission in rejected
    ]
    items.sort(key=lambda item: item.day or datetime.date.min, reverse=True)
    return Section("answers", _("Réponses reçues"), items)


# --- What the partner sent ----------------------------------------------------------------------


def meeting_requests_sent(partner: Partner) -> Section:
    requests = MeetingRequest.objects.filter(partner=partner).select_related("body")
    items = [
        InboxItem(
            title=_("Séance du %(body)s : %(subject)s")
            % {"body": request.body, "subject": request.subject},
            state=request.get_state_display(),
            url=reverse("governance:meeting_request_list"),
            day=_day(request.created_at),
        )
        for request in requests.order_by("-created_at", "-pk")[:SENT_LIMIT]
    ]
    return Section(
        "meeting_requests",
        _("Demandes de séance"),
        items,
        reverse("governance:meeting_request_list"),
    )


def contact_changes_sent(partner: Partner) -> Section:
    changes = ContactChange.objects.filter(partner=partner).select_related("partner")
    items = [
        InboxItem(
            title=str(change),
            state=change.get_state_display(),
            url=reverse("partners:contact_change_list"),
            day=_day(change.proposed_at),
            detail=_("À compter du %(day)s") % {"day": change.effective_on.strftime("%d/%m/%Y")},
        )
        for change in changes.order_by("-proposed_at", "-pk")[:SENT_LIMIT]
    ]
    return Section(
        "contact_changes",
        _("Changements d'interlocuteurs"),
        items,
        reverse("partners:contact_change_list"),
    )


def deliberations_sent(partner: Partner) -> Section:
    submissions = DeliberationSubmission.objects.filter(party__partner=partner).select_related(
        "party__file__amendment"
    )
    items = [
        InboxItem(
            title=_("Délibération n° %(number)s pour l'avenant n° %(amendment)s")
            % {
                "number": submission.deliberation_number,
                "amendment": submission.party.file.amendment.number,
            },
            state=submission.get_state_display(),
            url=reverse("membership:amendment_detail", args=[submission.party.file_id]),
            day=_day(submission.submitted_at),
        )
        for submission in submissions.order_by("-submitted_at", "-pk")[:SENT_LIMIT]
    ]
    return Section("deliberations", _("Délibérations déposées"), items)


def orders_sent_back(partner: Partner) -> Section:
    """Purchase orders the coordinator sent back for changes: the partner edits and resubmits."""
    items = [
        InboxItem(
            title=str(order),
            state=order.get_state_display(),
            url=order.get_absolute_url(),
            day=_day(order.decided_at),
            detail=order.review_comment,
        )
        for order in orders_awaiting_partner(partner)
    ]
    return Section("orders_back", _("Bons de commande à modifier"), items)


def orders_sent(partner: Partner) -> Section:
    items = [
        InboxItem(
            title=str(order),
            state=order.get_state_display(),
            url=order.get_absolute_url(),
            day=_day(order.submitted_at),
            detail=order.refusal_reason,
        )
        for order in orders_sent_by(partner)[:SENT_LIMIT]
    ]
    return Section("orders", _("Bons de commande"), items, reverse("billing:order_list"))


AWAITING: list[Provider] = [amendments_to_approve, orders_sent_back, answers_received, titres_due]
SENT: list[Provider] = [
    orders_sent,
    meeting_requests_sent,
    contact_changes_sent,
    deliberations_sent,
]


def _sections(providers: list[Provider], partner: Partner) -> list[Section]:
    return [section for provider in providers if (section := provider(partner)) is not None]


def inbox_of(partner: Partner) -> dict[str, list[Section]]:
    """{"awaiting": [...], "sent": [...]}: every section, empty ones included (the page says
    "nothing"); `awaiting_count` counts what awaits."""
    awaiting = _sections(AWAITING, partner)
    return {
        "awaiting": awaiting,
        "sent": _sections(SENT, partner),
        "awaiting_count": sum(len(section.items) for section in awaiting),
    }
