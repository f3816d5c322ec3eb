"""Meetings: scheduling, agenda, attendance and proxies, convocation, closing the minutes."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Action,
    AgendaDocument,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    Decision,
    DecisionKind,
    DecisionResult,
    ItemKind,
    Meeting,
    Seat,
    Vote,
)
from governance.services.bodies import year_is_closed
from governance.services.common import refuse_if_closed
from ligeris.lib.services import save_validated as save
from partners.models import PartnerStatus, Person
from partners.services import partner_save


def _refuse_closed_year(body: Body, starts_at: datetime.datetime) -> None:
    year = timezone.localdate(starts_at).year
    if year_is_closed(body.consortium_id, year):
        raise ValidationError(
            {
                "starts_at": _("L'année %(year)s est close : aucune séance n'y est possible.")
                % {"year": year}
            }
        )


@transaction.atomic
def meeting_schedule(*, body: Body, starts_at: datetime.datetime, **fields) -> Meeting:
    _refuse_closed_year(body, starts_at)
    return save(Meeting(body=body), starts_at=starts_at, **fields)


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields) -> Meeting:
    meeting = refuse_if_closed(meeting)
    if "starts_at" in fields:
        _refuse_closed_year(meeting.body, fields["starts_at"])
    return save(meeting, **fields)


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
) -> AgendaItem:
    meeting = refuse_if_closed(meeting)
    last = meeting.items.order_by("-position").values_list("position", flat=True).first() or 0
    item = save(
        AgendaItem(meeting=meeting), position=last + 1, title=title, kind=kind, summary=summary
    )
    if kind == ItemKind.DECISION:
        _decision_save(
            Decision(item=item),
            motion=motion,
            kind=decision_kind,
            concerned_partner=concerned_partner,
        )
    return item


def _decision_save(decision: Decision, *, motion: str, kind: str, concerned_partner) -> Decision:
    errors = {}
    if not motion.strip():
        errors["motion"] = _("Un point pour décision porte une proposition soumise au vote.")
    if not kind:
        errors["decision_kind"] = _("Précisez l'objet de la décision.")
    membership = kind in (DecisionKind.ADMISSION, DecisionKind.EXCLUSION)
    if membership and concerned_partner is None:
        errors["concerned_partner"] = _("Une admission ou une exclusion concerne un partenaire.")
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
) -> AgendaItem:
    refuse_if_closed(item.meeting)
    save(item, title=title, summary=summary)
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


@dataclass(frozen=True)
class AttendanceEntry:
    seat: Seat
    status: str
    proxy_to: Seat | None = None


@transaction.atomic
def attendance_record(*, meeting: Meeting, entries: list[AttendanceEntry]) -> list[Attendance]:
    """Record the whole attendance sheet at once: each seat's status and its proxy."""
    meeting = refuse_if_closed(meeting)
    if Vote.objects.filter(decision__item__meeting=meeting).exists():
        raise ValidationError(
            _("Des votes sont déjà enregistrés : effacez-les avant de modifier les présences.")
        )
    seats = {seat.pk: seat for seat in meeting.body.seats.filter(is_active=True)}
    status_of = {entry.seat.pk: entry.status for entry in entries}
    errors = []
    listed = Counter(entry.seat.pk for entry in entries)
    for entry in entries:
        if listed[entry.seat.pk] > 1:
            errors.append(
                _("%(seat)s figure deux fois sur la feuille de présence.") % {"seat": entry.seat}
            )
            listed[entry.seat.pk] = 1  # say it once
        if entry.seat.pk not in seats:
            errors.append(_("%(seat)s ne siège pas dans cette instance.") % {"seat": entry.seat})
        if entry.status != AttendanceStatus.PROXY:
            continue
        holder = entry.proxy_to
        if holder is None:
            errors.append(_("%(seat)s : désignez le mandataire.") % {"seat": entry.seat})
        elif holder.pk == entry.seat.pk:
            errors.append(_("%(seat)s ne peut se donner pouvoir.") % {"seat": entry.seat})
        elif holder.pk not in seats:
            errors.append(
                _("%(holder)s ne siège pas dans cette instance : il ne peut recevoir de pouvoir.")
                % {"holder": holder}
            )
        elif status_of.get(holder.pk) != AttendanceStatus.PRESENT:
            errors.append(
                _("%(seat)s donne pouvoir à %(holder)s, qui n'est pas présent.")
                % {"seat": entry.seat, "holder": holder}
            )
    held = Counter(
        e.proxy_to.pk for e in entries if e.status == AttendanceStatus.PROXY and e.proxy_to
    )
    for holder_pk, count in held.items():
        if holder_pk in seats and count > meeting.body.max_proxies:
            errors.append(
                _(
                    "%(holder)s détiendrait %(count)s pouvoirs : %(max)s au plus dans cette instance."
                )
                % {"holder": seats[holder_pk], "count": count, "max": meeting.body.max_proxies}
            )
    if errors:
        raise ValidationError(errors)
    meeting.attendances.all().delete()
    return [
        save(
            Attendance(meeting=meeting, seat=entry.seat),
            status=entry.status,
            proxy_to=entry.proxy_to if entry.status == AttendanceStatus.PROXY else None,
        )
        for entry in entries
    ]


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

    An adopted admission or exclusion changes the partner's status through the partners service.
    """
    meeting = refuse_if_closed(meeting)
    errors = []
    if not meeting.attendances.exists():
        errors.append(_("Les présences ne sont pas enregistrées."))
    if meeting.secretary_id is None:
        errors.append(_("Désignez le secrétaire de séance."))
    if meeting.starts_at > timezone.now():
        errors.append(_("La séance n'a pas encore eu lieu."))
    pending = Decision.objects.filter(item__meeting=meeting, result=DecisionResult.PENDING)
    for decision in pending.select_related("item"):
        errors.append(_("Le point « %(item)s » n'a pas été voté.") % {"item": decision.item.title})
    if errors:
        raise ValidationError(errors)
    for decision in Decision.objects.filter(item__meeting=meeting).select_related(
        "concerned_partner"
    ):
        if decision.is_adopted and decision.kind == DecisionKind.ADMISSION:
            partner_save(partner=decision.concerned_partner, status=PartnerStatus.MEMBER)
        elif decision.is_adopted and decision.kind == DecisionKind.EXCLUSION:
            partner_save(partner=decision.concerned_partner, status=PartnerStatus.EXCLUDED)
    meeting.minutes_closed_at = timezone.now()
    meeting.save(update_fields=["minutes_closed_at"])
    return meeting


@transaction.atomic
def action_create(*, item: AgendaItem, title: str, owner: Person, due_on: datetime.date) -> Action:
    return save(Action(item=item), title=title, owner=owner, due_on=due_on)


@transaction.atomic
def action_update(*, action: Action, **fields) -> Action:
    if fields.get("status") == "done" and not fields.get("done_on"):
        fields["done_on"] = timezone.localdate()
    return save(action, **fields)
