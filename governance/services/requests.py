"""Meeting requests: a partner asks, the coordinator schedules a meeting from it or answers.

The requester is told by e-mail once the decision is committed (a task that takes the id).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Body, BodyKind, ItemKind, Meeting, MeetingRequest, RequestState
from governance.services.meetings import item_add, meeting_schedule
from ligeris.lib.services import save_validated as save
from partners.models import Partner, PartnerStatus

#: The bodies a partner may ask to meet: the COPIL and the COTECH (article 6).
REQUESTABLE_KINDS = (BodyKind.STEERING, BodyKind.TECHNICAL)
#: Who may ask: a member, a withdrawing one until it has left.
REQUESTING_STATUSES = (PartnerStatus.MEMBER, PartnerStatus.WITHDRAWING)


@transaction.atomic
def meeting_request_create(
    *, partner: Partner, body: Body, subject: str, details: str = "", user=None
) -> MeetingRequest:
    errors = {}
    if body.consortium_id != partner.consortium_id or body.kind not in REQUESTABLE_KINDS:
        errors["body"] = _("Choisissez le COPIL ou le COTECH de votre groupement.")
    if partner.status not in REQUESTING_STATUSES:
        errors["body"] = _("Seul un membre du groupement demande une séance.")
    if not subject.strip():
        errors["subject"] = _("Indiquez l'objet de la séance demandée.")
    if errors:
        raise ValidationError(errors)
    return save(
        MeetingRequest(body=body, partner=partner, requested_by=user),
        subject=subject.strip(),
        details=details.strip(),
    )


def _lock_pending(request: MeetingRequest) -> MeetingRequest:
    locked = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=request.pk)
    )
    if locked.state != RequestState.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."))
    return locked


def _notify(request: MeetingRequest) -> None:
    from governance.tasks import notify_meeting_request

    transaction.on_commit(lambda: notify_meeting_request.delay(request.pk))


@transaction.atomic
def meeting_request_schedule(*, request: MeetingRequest, user=None, **meeting_fields) -> Meeting:
    """Schedule the requested body's meeting, its subject on the agenda; the request is linked to
    it and marked scheduled."""
    request = _lock_pending(request)
    meeting = meeting_schedule(body=request.body, **meeting_fields)
    item_add(meeting=meeting, title=request.subject, kind=ItemKind.INFORMATION)
    save(
        request,
        state=RequestState.SCHEDULED,
        meeting=meeting,
        decided_at=timezone.now(),
        decided_by=user,
    )
    _notify(request)
    return meeting


@transaction.atomic
def meeting_request_answer(*, request: MeetingRequest, answer: str, user=None) -> MeetingRequest:
    """Answer without a meeting: the reason is required and sent to the requester."""
    request = _lock_pending(request)
    if not answer.strip():
        raise ValidationError({"answer": _("Indiquez le motif de la réponse.")})
    request = save(
        request,
        state=RequestState.ANSWERED,
        answer=answer.strip(),
        decided_at=timezone.now(),
        decided_by=user,
    )
    _notify(request)
    return request
