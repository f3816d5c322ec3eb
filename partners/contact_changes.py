"""Writes on contact changes: a partner proposes, the coordinator validates or rejects, and a
validated change applies on its date (at once when the date has come, else by the daily task).

Applying gives the role to the new person and sends `person_replaced`: the layer above moves
the replaced person's seats (partners imports no app above it).
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.services import save_validated as _save
from partners import signals
from partners.models import ContactChange, ContactChangeState, ContactKind, Partner, Person
from partners.services import partner_save, person_save

logger = logging.getLogger(__name__)

#: How far from today a change may take effect: a year back (a change already made), a year ahead.
DATE_RANGE = datetime.timedelta(days=366)


def _check_proposal(change: ContactChange, today: datetime.date) -> None:
    errors = {}
    if change.kind != ContactKind.BILLING_EMAIL:
        if not change.first_name.strip():
            errors["first_name"] = _("Indiquez le prénom du nouvel interlocuteur.")
        if not change.last_name.strip():
            errors["last_name"] = _("Indiquez le nom du nouvel interlocuteur.")
    if change.replaces is not None and (
        change.replaces.partner_id != change.partner_id or not change.replaces.is_active
    ):
        errors["replaces"] = _("Choisissez un interlocuteur actif de votre partenaire.")
    if change.effective_on and abs(change.effective_on - today) > DATE_RANGE:
        errors["effective_on"] = _(
            "La date d'effet est à moins d'un an d'aujourd'hui, dans un sens ou dans l'autre."
        )
    pending = ContactChange.objects.filter(
        partner_id=change.partner_id,
        kind=change.kind,
        state__in=(ContactChangeState.PENDING, ContactChangeState.VALIDATED),
    )
    if pending.exists():
        errors["kind"] = _("Un changement de ce type attend déjà sa validation ou sa date d'effet.")
    if errors:
        raise ValidationError(errors)


def current_holder(partner: Partner, kind: str) -> Person | None:
    """The active person holding the role, if any (the one a change replaces by default)."""
    if kind == ContactKind.BILLING_EMAIL:
        return None
    return partner.people.filter(role=kind, is_active=True).order_by("pk").first()


@transaction.atomic
def contact_change_propose(
    *,
    partner: Partner,
    kind: str,
    email: str,
    effective_on: datetime.date,
    replaces: Person | None = None,
    civility: str = "",
    first_name: str = "",
    last_name: str = "",
    job_title: str = "",
    phone: str = "",
    user=None,
    today: datetime.date | None = None,
) -> ContactChange:
    # One proposal at a time per partner: two concurrent ones cannot both pass the check.
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    change = ContactChange(
        partner=partner,
        kind=kind,
        email=email.strip().lower(),
        effective_on=effective_on,
        replaces=replaces if replaces is not None else current_holder(partner, kind),
        civility=civility,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        job_title=job_title.strip(),
        phone=phone.strip(),
        proposed_by=user,
    )
    _check_proposal(change, today or timezone.localdate())
    return _save(change)


def _lock(change: ContactChange, state: str) -> ContactChange:
    locked = (
        ContactChange.objects.select_for_update(of=("self",))
        .select_related("partner", "replaces")
        .get(pk=change.pk)
    )
    if locked.state != state:
        raise ValidationError(_("Ce changement a déjà été traité."))
    return locked


@transaction.atomic
def contact_change_reject(*, change: ContactChange, reason: str, user=None) -> ContactChange:
    change = _lock(change, ContactChangeState.PENDING)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    return _save(
        change,
        state=ContactChangeState.REJECTED,
        reason=reason.strip(),
        decided_at=timezone.now(),
        decided_by=user,
    )


@transaction.atomic
def contact_change_validate(
    *, change: ContactChange, user=None, today: datetime.date | None = None
) -> ContactChange:
    """Validate; a change whose date has come applies in the same transaction."""
    change = _lock(change, ContactChangeState.PENDING)
    change = _save(
        change, state=ContactChangeState.VALIDATED, decided_at=timezone.now(), decided_by=user
    )
    if change.effective_on <= (today or timezone.localdate()):
        change = contact_change_apply(change=change)
    return change


def _new_holder(change: ContactChange) -> Person:
    fields = {
        "civility": change.civility,
        "first_name": change.first_name,
        "last_name": change.last_name,
        "job_title": change.job_title,
        "phone": change.phone,
        "role": change.kind,
        "is_active": True,
    }
    # The same e-mail is the same person (a former holder back, or one changing roles).
    existing = Person.objects.filter(partner=change.partner, email=change.email).first()
    return person_save(
        person=existing or Person(partner=change.partner, email=change.email), **fields
    )


@transaction.atomic
def contact_change_apply(*, change: ContactChange) -> ContactChange:
    """The people change, and the seats follow (sent to the layer above), from the change's date."""
    change = _lock(change, ContactChangeState.VALIDATED)
    person = None
    if change.kind == ContactKind.BILLING_EMAIL:
        partner_save(partner=change.partner, billing_email=change.email)
    else:
        person = _new_holder(change)
        old = change.replaces
        if old is not None and old.pk != person.pk:
            person_save(person=old, is_active=False)
            signals.person_replaced.send(sender=Person, old=old, new=person, on=change.effective_on)
    return _save(change, state=ContactChangeState.APPLIED, applied_at=timezone.now(), person=person)


def contact_changes_apply_due(
    *, today: datetime.date | None = None, change_ids: list[int] | None = None
) -> int:
    """Every validated change whose date has come; run twice, applied once (one transaction each)."""
    today = today or timezone.localdate()
    due = ContactChange.objects.filter(state=ContactChangeState.VALIDATED, effective_on__lte=today)
    if change_ids is not None:
        due = due.filter(pk__in=change_ids)
    applied = 0
    for change in due.order_by("effective_on", "pk"):
        try:
            contact_change_apply(change=change)
        except ValidationError as error:  # applied meanwhile by another run, or refused
            logger.warning("Contact change %s not applied: %s", change.pk, error.messages)
            continue
        applied += 1
    return applied
