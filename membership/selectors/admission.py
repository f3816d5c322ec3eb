"""Reads of the candidacy files, and what they add to the timeline and the dashboard."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from membership.models import AmendmentFile, Candidacy, CandidacyState
from membership.timeline_types import TimelineEvent
from partners.models import Consortium, Partner

CATEGORY = "membership"


def candidacies(consortium: Consortium | None) -> QuerySet[Candidacy]:
    return (
        Candidacy.objects.filter(partner__consortium=consortium)
        .select_related("partner", "decision__item__meeting__body")
        .prefetch_related("requested_tenants")
        .order_by("-created_at", "-pk")
    )


def candidacy_get(consortium: Consortium | None, pk: int) -> Candidacy:
    return get_object_or_404(candidacies(consortium), pk=pk)


def candidacy_amendment(candidacy: Candidacy) -> AmendmentFile | None:
    """The amendment drawn up when the admission's minutes closed, if any."""
    if candidacy.decision_id is None:
        return None
    return (
        AmendmentFile.objects.select_related("amendment")
        .filter(decision_id=candidacy.decision_id)
        .first()
    )


def timeline_events(partner: Partner) -> list[TimelineEvent]:
    """The candidacy's letter of intent, its COPIL, its admission and planned opening."""
    candidacy = candidacies(partner.consortium).filter(partner=partner).first()
    if candidacy is None:
        return []
    url = candidacy.get_absolute_url()
    events = []
    if candidacy.letter_of_intent_on:
        events.append(
            TimelineEvent(
                day=candidacy.letter_of_intent_on,
                category=CATEGORY,
                title=_("Lettre d'intention de candidature"),
                detail="",
                url=url,
            )
        )
    decision = candidacy.decision
    if decision is not None:
        meeting = decision.item.meeting
        events.append(
            TimelineEvent(
                day=timezone.localdate(meeting.starts_at),
                category=CATEGORY,
                title=_("Candidature examinée par le %(body)s") % {"body": meeting.body.short_name},
                detail=candidacy.shown_state,
                url=url,
                order=1,
            )
        )
    if candidacy.shown_state != CandidacyState.REFUSED.label:
        events.append(
            TimelineEvent(
                day=candidacy.opens_on,
                category=CATEGORY,
                title=_("Ouverture des tenants demandés"),
                detail=", ".join(t.code for t in candidacy.requested_tenants.all()),
                url=url,
                is_deadline=candidacy.state != CandidacyState.ADMITTED,
                order=2,
            )
        )
    return events


def dashboard_rows(consortium: Consortium) -> list[dict]:
    """Files staff should act on: a draft to complete and put to a COPIL, a file awaiting its
    COPIL (the meeting's date)."""
    rows = []
    for candidacy in candidacies(consortium).filter(
        state__in=[CandidacyState.DRAFT, CandidacyState.AT_COPIL]
    ):
        if candidacy.state == CandidacyState.DRAFT:
            day = candidacy.wished_opening_on
            title = _("Candidature à inscrire au COPIL")
        else:
            meeting = candidacy.decision.item.meeting
            if meeting.minutes_closed_at is not None:
                continue  # decided: nothing left to do
            day = timezone.localdate(meeting.starts_at)
            title = _("Candidature inscrite au %(body)s") % {"body": meeting.body.short_name}
        rows.append(
            {
                "day": day,
                "title": title,
                "url": candidacy.get_absolute_url(),
                "partner": candidacy.partner,
            }
        )
    return sorted(rows, key=lambda row: row["day"])
