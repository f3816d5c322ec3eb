"""Meetings: scheduling, agenda, convocation, closing the minutes (the attendance sheet is in
`attendance`, re-exported here for its callers)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance import signals
from governance.confirmations import minutes_close_refusals
from governance.models import (
    Action,
    AgendaDocument,
    AgendaItem,
    Body,
    BodyKind,
    Decision,
    DecisionKind,
    ItemKind,
    Meeting,
)
from governance.services.attendance import AttendanceEntry, attendance_record  # noqa: F401
from governance.services.bodies import year_is_closed
from governance.services.common import refuse_if_closed
from ligeris.lib.services import save_validated as save
from partners.models import Convention, Person


def _refuse_closed_year(body: Body, starts_at: datetime.datetime) -> None:
    year = timezone.localdate(starts_at).year
    if year_is_closed(body.consortium_id, year):
        raise ValidationError(
            {
                "starts_at": _("L'année %(year)s est close : aucune séance n'y est possible.")
                % {"year": year}
            }
        )


def _refuse_before_convention(body: Body, starts_at: datetime.datetime) -> None:
    """A body exists by the convention: it cannot meet before the convention takes effect."""
    first = (
        Convention.objects.filter(consortium_id=body.consortium_id)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    if first is not None and timezone.localdate(starts_at) < first:
        raise ValidationError(
            {
                "starts_at": _(
                    "La convention prend effet le %(day)s : une séance ne peut être antérieure."
                )
                % {"day": f"{first:%d/%m/%Y}"}
            }
        )


def _check_convocation_date(meeting: Meeting) -> None:
    """A convocation typed in for a meeting convened otherwise: sent before the meeting, and not
    in the future (it is the date it was sent, not a plan)."""
    if meeting.convened_at is None:
        return
    sent = timezone.localdate(meeting.convened_at)
    if sent > timezone.localdate(meeting.starts_at):
        raise ValidationError(
            {"convened_at": _("La convocation ne peut être postérieure à la séance.")}
        )
    if sent > timezone.localdate():
        raise ValidationError(
            {
                "convened_at": _(
                    "La convocation ne peut être datée d'un jour à venir : indiquez la date à "
                    "laquelle elle a été envoyée."
                )
            }
        )


def _check_dates(meeting: Meeting) -> None:
    _refuse_closed_year(meeting.body, meeting.starts_at)
    _refuse_before_convention(meeting.body, meeting.starts_at)
    _check_convocation_date(meeting)


def _apply(meeting: Meeting, fields: dict) -> Meeting:
    for name, value in fields.items():
        setattr(meeting, name, value)
    _check_dates(meeting)
    return save(meeting)


@transaction.atomic
def meeting_schedule(*, body: Body, starts_at: datetime.datetime, **fields) -> Meeting:
    return _apply(Meeting(body=body), {"starts_at": starts_at, **fields})


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields) -> Meeting:
    meeting = refuse_if_closed(meeting)
    starts_at = fields.get("starts_at", meeting.starts_at)
    if starts_at > timezone.now() and meeting.attendances.exists():
        raise ValidationError(
            {
                "starts_at": _(
                    "Les présences de cette séance sont enregistrées : elle ne peut être "
                    "reportée à une date à venir."
                )
            }
        )
    return _apply(meeting, fields)


@transaction.atomic
def item_add(
    *,
    meeting: Meeting,
    title: str,
    kind: str,
    summary: str = "",
    motion: str = "",
    decision_kind: str = "",
    concerned_partner=None,
    number: str = "",
) -> AgendaItem:
    meeting = refuse_if_closed(meeting)
    last = meeting.items.order_by("-position").values_list("position", flat=True).first() or 0
    item = AgendaItem(meeting=meeting)
    _check_number(item, number)
    item = save(
        item, position=last + 1, title=title, kind=kind, summary=summary, number=number.strip()
    )
    if kind == ItemKind.DECISION:
        _decision_save(
            Decision(item=item),
            motion=motion,
            kind=decision_kind,
            concerned_partner=concerned_partner,
        )
    return item


def _check_number(item: AgendaItem, number: str) -> None:
    """A deliberation number is the body's own: never given twice."""
    number = number.strip()
    if not number:
        return
    taken = AgendaItem.objects.filter(meeting__body_id=item.meeting.body_id, number=number)
    if taken.exclude(pk=item.pk).exists():
        raise ValidationError(
            {
                "number": _("Le numéro de délibération %(number)s est déjà donné dans l'instance.")
                % {"number": number}
            }
        )


#: Decisions only a steering committee (COPIL) takes (articles 8, 10 and 11).
STEERING_ONLY_KINDS = frozenset(
    {DecisionKind.ADMISSION, DecisionKind.EXCLUSION, DecisionKind.TERMINATION}
)


def _decision_save(decision: Decision, *, motion: str, kind: str, concerned_partner) -> Decision:
    errors = {}
    if not motion.strip():
        errors["motion"] = _("Un point pour décision porte une proposition soumise au vote.")
    if not kind:
        errors["decision_kind"] = _("Précisez l'objet de la décision.")
    membership = kind in (DecisionKind.ADMISSION, DecisionKind.EXCLUSION)
    if membership and concerned_partner is None:
        errors["concerned_partner"] = _("Une admission ou une exclusion concerne un partenaire.")
    body = decision.item.meeting.body
    if kind in STEERING_ONLY_KINDS and body.kind != BodyKind.STEERING:
        errors["decision_kind"] = _(
            "%(kind)s relève du comité de pilotage : le %(body)s ne peut pas en décider."
        ) % {"kind": DecisionKind(kind).label, "body": body}
    if errors:
        raise ValidationError(errors)
    return save(
        decision,
        motion=motion,
        kind=kind,
        concerned_partner=concerned_partner if membership else None,
    )


@transaction.atomic
def item_update(
    *,
    item: AgendaItem,
    title: str,
    summary: str = "",
    motion: str = "",
    decision_kind: str = "",
    concerned_partner=None,
    number: str = "",
) -> AgendaItem:
    refuse_if_closed(item.meeting)
    _check_number(item, number)
    save(item, title=title, summary=summary, number=number.strip())
    if item.kind == ItemKind.DECISION:
        decision = item.decision
        if decision.votes.exists() and (
            decision.motion != motion
            or decision.kind != decision_kind
            or decision.concerned_partner != concerned_partner
        ):
            raise ValidationError(
                _("Des votes sont enregistrés : la proposition ne peut plus changer.")
            )
        _decision_save(
            decision, motion=motion, kind=decision_kind, concerned_partner=concerned_partner
        )
    return item


@transaction.atomic
def document_add(*, item: AgendaItem, title: str, file) -> AgendaDocument:
    refuse_if_closed(item.meeting)
    return save(AgendaDocument(item=item), title=title, file=file)


@transaction.atomic
def convocation_send(*, meeting: Meeting) -> None:
    """Queue the convocation e-mails once the transaction commits."""
    from governance.tasks import send_convocation

    meeting = refuse_if_closed(meeting)
    if not meeting.items.exists():
        raise ValidationError(_("L'ordre du jour est vide : ajoutez-y au moins un point."))
    transaction.on_commit(lambda: send_convocation.delay(meeting.pk))


@transaction.atomic
def meeting_mark_convened(*, meeting_id: int) -> None:
    # A convocation still in the queue when the minutes close leaves the closed record alone.
    Meeting.objects.filter(
        pk=meeting_id, convened_at__isnull=True, minutes_closed_at__isnull=True
    ).update(convened_at=timezone.now())


@transaction.atomic
def minutes_close(*, meeting: Meeting) -> Meeting:
    """Close the minutes: from now on the meeting, its decisions and its votes are history.

    Each adopted decision is announced (`decision_adopted`) in the same transaction: membership
    applies an admission or an exclusion, and a refusal there refuses the closing.
    """
    meeting = refuse_if_closed(meeting)
    errors = minutes_close_refusals(meeting)
    if errors:
        raise ValidationError(errors)
    meeting.minutes_closed_at = timezone.now()
    meeting.save(update_fields=["minutes_closed_at"])
    for decision in Decision.objects.filter(item__meeting=meeting).select_related(
        "concerned_partner", "item__meeting__body"
    ):
        if decision.is_adopted:
            signals.decision_adopted.send(sender=Decision, decision=decision)
    return meeting


@transaction.atomic
def action_create(*, item: AgendaItem, title: str, owner: Person, due_on: datetime.date) -> Action:
    return save(Action(item=item), title=title, owner=owner, due_on=due_on)


@transaction.atomic
def action_update(*, action: Action, **fields) -> Action:
    if fields.get("status") == "done" and not fields.get("done_on"):
        fields["done_on"] = timezone.localdate()
    return save(action, **fields)
