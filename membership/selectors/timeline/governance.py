"""Timeline events read from governance: seats, decisions concerning the partner, its votes."""

from auditlog.models import LogEntry
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Decision, Meeting, Seat, Vote
from membership.selectors.timeline.common import (
    GOVERNANCE,
    audit_entries,
    changed,
    day_of,
    french_date,
)
from membership.timeline_types import TimelineEvent
from partners.models import Holding, Partner


def _meeting_name(meeting: Meeting) -> str:
    return _("%(body)s du %(date)s") % {
        "body": meeting.body,
        "date": french_date(day_of(meeting.starts_at)),
    }


def seat_events(partner: Partner) -> list[TimelineEvent]:
    """Seats taken, ended and taken again (the audit trail: a seat is ended, never deleted)."""
    seats = {
        seat.pk: seat
        for seat in Seat.objects.filter(partner=partner).select_related("body", "person")
    }
    if not seats:
        return []
    events = []
    for entry in audit_entries(Seat, seats):
        seat = seats[int(entry.object_pk)]
        names = {"body": seat.body, "person": seat.person, "role": seat.get_role_display()}
        active = changed(entry, "is_active")
        if entry.action == LogEntry.Action.CREATE:
            title = _("Siège au %(body)s : %(person)s, %(role)s")
        elif active and active[1] == "False":
            title = _("Fin du siège au %(body)s : %(person)s")
        elif active and active[1] == "True":
            title = _("Siège au %(body)s rétabli : %(person)s, %(role)s")
        else:
            continue
        events.append(
            TimelineEvent(
                day_of(entry.timestamp),
                GOVERNANCE,
                title % names,
                url=seat.body.get_absolute_url(),
                order=30,
            )
        )
    return events


def decision_events(partner: Partner) -> list[TimelineEvent]:
    """Decisions about it (admission, exclusion): on the agenda, then decided once the minutes
    are closed (before that the outcome is not published)."""
    today = timezone.localdate()
    events = []
    decisions = Decision.objects.filter(concerned_partner=partner).select_related(
        "item__meeting__body"
    )
    for decision in decisions:
        meeting = decision.item.meeting
        day = day_of(meeting.starts_at)
        names = {"kind": decision.get_kind_display(), "meeting": _meeting_name(meeting)}
        if meeting.is_closed:
            title = _("%(kind)s : %(result)s (%(meeting)s)") % {
                **names,
                "result": decision.get_result_display().lower(),
            }
        else:
            title = _("%(kind)s à l'ordre du jour (%(meeting)s)") % names
        events.append(
            TimelineEvent(
                day,
                GOVERNANCE,
                title,
                detail=decision.item.title,
                url=meeting.get_absolute_url(),
                is_deadline=not meeting.is_closed and day >= today,
                order=50,
            )
        )
    return events


def vote_events(partner: Partner) -> list[TimelineEvent]:
    """The votes of the tenants it holds, in meetings whose minutes are closed."""
    votes = (
        Vote.objects.filter(
            tenant__in=Holding.objects.filter(partner=partner).values("tenant_id"),
            decision__item__meeting__minutes_closed_at__isnull=False,
        )
        .select_related("tenant", "decision__item__meeting__body")
        .order_by("decision__item__meeting__starts_at", "decision__item__position", "tenant__code")
    )
    events = []
    for vote in votes:
        decision = vote.decision
        meeting = decision.item.meeting
        detail = decision.get_result_display()
        if vote.is_advisory:
            detail = _("%(result)s ; voix consultative") % {"result": detail}
        events.append(
            TimelineEvent(
                day_of(meeting.starts_at),
                GOVERNANCE,
                _("Vote du tenant %(code)s : %(choice)s — « %(item)s » (%(meeting)s)")
                % {
                    "code": vote.tenant.code,
                    "choice": vote.get_choice_display().lower(),
                    "item": decision.item.title,
                    "meeting": _meeting_name(meeting),
                },
                detail=detail,
                url=meeting.get_absolute_url(),
                order=55,
            )
        )
    return events
