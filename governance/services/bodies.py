"""Bodies, their seats and working groups; closing a year."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from governance.models import (
    DEFAULT_MINIMUM_MEETINGS,
    Body,
    BodyKind,
    ClosedYear,
    Decision,
    Meeting,
    Seat,
)
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Person


@transaction.atomic
def body_create(*, consortium: Consortium, kind: str, **fields) -> Body:
    fields.setdefault("minimum_meetings", DEFAULT_MINIMUM_MEETINGS[BodyKind(kind)])
    if kind == BodyKind.WORKING_GROUP and not fields.get("created_by"):
        raise ValidationError(
            _(
                "Un groupe de travail est créé par une décision du COTECH : partez de cette décision."
            )
        )
    return save(Body(consortium=consortium, kind=kind), **fields)


@transaction.atomic
def body_update(*, body: Body, **fields) -> Body:
    return save(body, **fields)


@transaction.atomic
def seat_add(
    *, body: Body, person: Person, role: str | None = None, order: int | None = None
) -> Seat:
    """Seat a person; without a protocol rank, after the body's last member."""
    if person.partner.consortium_id != body.consortium_id:
        raise ValidationError({"person": _("Cette personne n'appartient pas au groupement.")})
    if order is None:
        last = body.seats.order_by("-order").values_list("order", flat=True).first()
        order = 1 if last is None else last + 1
    existing = body.seats.filter(person=person).first()
    if existing is not None:
        if existing.is_active:
            raise ValidationError({"person": _("%(person)s siège déjà.") % {"person": person}})
        return save(existing, is_active=True, role=role or existing.role, order=order)
    return save(
        Seat(body=body, person=person, partner=person.partner),
        role=role or person.role,
        order=order,
    )


@transaction.atomic
def seat_update(*, seat: Seat, role: str, order: int) -> Seat:
    """A seat's role and its rank in the body's protocol order (the order of the minutes)."""
    return save(seat, role=role, order=order)


@transaction.atomic
def seat_deactivate(*, seat: Seat) -> Seat:
    """A seat that has sat keeps its history: it is ended, never deleted."""
    return save(seat, is_active=False)


@transaction.atomic
def working_group_create(
    *,
    decision: Decision,
    name: str,
    short_name: str,
    mandate: str,
    mandate_ends_on: datetime.date,
    members: list[Person],
) -> Body:
    """A working group mandated by an adopted COTECH decision, with its members seated."""
    body = decision.item.meeting.body
    if body.kind != BodyKind.TECHNICAL:
        raise ValidationError(_("Seul le COTECH crée et mandate un groupe de travail."))
    if not decision.is_adopted:
        raise ValidationError(
            _("La décision doit être adoptée avant de créer le groupe de travail.")
        )
    if not members:
        raise ValidationError({"members": _("Désignez au moins un membre.")})
    group = body_create(
        consortium=body.consortium,
        kind=BodyKind.WORKING_GROUP,
        name=name,
        short_name=short_name,
        mandate=mandate,
        mandate_ends_on=mandate_ends_on,
        created_by=decision,
        notice_days=body.notice_days,
    )
    for person in members:
        seat_add(body=group, person=person)
    return group


@transaction.atomic
def year_close(*, consortium: Consortium, year: int) -> ClosedYear:
    """Close a finished year whose minutes are all closed: it then accepts no meeting."""
    if year >= timezone.localdate().year:
        raise ValidationError(_("Une année ne se clôt qu'une fois terminée."))
    open_minutes = Meeting.objects.filter(
        body__consortium=consortium, starts_at__year=year, minutes_closed_at__isnull=True
    ).count()
    if open_minutes:
        raise ValidationError(
            ngettext(
                "%(count)s séance de %(year)s a un procès-verbal non clos : closez-la d'abord.",
                "%(count)s séances de %(year)s ont un procès-verbal non clos : closez-les d'abord.",
                open_minutes,
            )
            % {"count": open_minutes, "year": year}
        )
    try:
        with transaction.atomic():
            return ClosedYear.objects.create(consortium=consortium, year=year)
    except IntegrityError:
        raise ValidationError(_("L'année %(year)s est déjà close.") % {"year": year}) from None


def year_is_closed(consortium_id: int, year: int) -> bool:
    return ClosedYear.objects.filter(consortium_id=consortium_id, year=year).exists()


@transaction.atomic
def seats_transfer(*, old: Person, new: Person) -> int:
    """A person's role passes to another: each active seat of the old one goes to the new one,
    same body, role and rank (the old seat ends, kept for the record)."""
    moved = 0
    for seat in Seat.objects.select_for_update().filter(person=old, is_active=True):
        seat_deactivate(seat=seat)
        if not seat.body.seats.filter(person=new, is_active=True).exists():
            seat_add(body=seat.body, person=new, role=seat.role, order=seat.order)
        moved += 1
    return moved
