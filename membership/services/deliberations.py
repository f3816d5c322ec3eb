"""Deliberations uploaded by the partners for their amendments, checked by the coordinator.

Recording one goes through `approval_record`, the service staff use to type an approval in:
the last party's recorded deliberation puts the amendment in force.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.services import save_validated as save
from ligeris.lib.uploads import check_pdf
from membership.models import AmendmentParty, DeliberationSubmission, SubmissionState
from membership.services.amendments import approval_record

#: A deliberation's PDF: 10 Mo at most, as the scans staff upload.
DELIBERATION_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def deliberation_submit(
    *,
    party: AmendmentParty,
    pdf,
    deliberation_number: str,
    approved_on: datetime.date,
    approving_body: str,
    user=None,
) -> DeliberationSubmission:
    party = (
        AmendmentParty.objects.select_for_update(of=("self",))
        .select_related("file__amendment", "file__decision__item__meeting")
        .get(pk=party.pk)
    )
    if party.file.is_in_force:
        raise ValidationError(_("L'avenant est en vigueur : il n'attend plus de délibération."))
    if party.has_approved:
        raise ValidationError(_("L'approbation de votre partenaire est déjà enregistrée."))
    if party.submissions.filter(state=SubmissionState.SUBMITTED).exists():
        raise ValidationError(_("Votre délibération attend d'être vérifiée par le coordonnateur."))
    errors = {}
    try:
        check_pdf(pdf, max_bytes=DELIBERATION_MAX_BYTES)
    except ValidationError as error:
        errors["pdf"] = error.messages
    decided_on = timezone.localdate(party.file.decision.item.meeting.starts_at)
    if approved_on > timezone.localdate():
        errors["approved_on"] = _("La délibération ne peut être datée d'un jour à venir.")
    elif approved_on < decided_on:
        errors["approved_on"] = _(
            "La délibération ne peut précéder la décision du comité (%(day)s)."
        ) % {"day": decided_on.strftime("%d/%m/%Y")}
    if not deliberation_number.strip():
        errors["deliberation_number"] = _("Indiquez le numéro de la délibération.")
    if not approving_body.strip():
        errors["approving_body"] = _("Indiquez l'instance qui a délibéré.")
    if errors:
        raise ValidationError(errors)
    return save(
        DeliberationSubmission(party=party, submitted_by=user),
        pdf=pdf,
        deliberation_number=deliberation_number.strip(),
        approved_on=approved_on,
        approving_body=approving_body.strip(),
    )


def _lock_waiting(submission: DeliberationSubmission) -> DeliberationSubmission:
    locked = DeliberationSubmission.objects.select_for_update().get(pk=submission.pk)
    if locked.state != SubmissionState.SUBMITTED:
        raise ValidationError(_("Cette délibération a déjà été vérifiée."))
    return locked


@transaction.atomic
def deliberation_record(
    *,
    submission: DeliberationSubmission,
    user=None,
    effective_on: datetime.date | None = None,
) -> DeliberationSubmission:
    """Checked: the party's approval, with the PDF as its scan (the last one: in force)."""
    submission = _lock_waiting(submission)
    with submission.pdf.open("rb") as stored:
        scan = ContentFile(stored.read(), name="deliberation.pdf")
    approval_record(
        party=submission.party,
        approving_body=submission.approving_body,
        approved_on=submission.approved_on,
        deliberation_number=submission.deliberation_number,
        scan=scan,
        effective_on=effective_on,
        user=user,
    )
    return save(
        submission, state=SubmissionState.RECORDED, decided_at=timezone.now(), decided_by=user
    )


@transaction.atomic
def deliberation_reject(
    *, submission: DeliberationSubmission, reason: str, user=None
) -> DeliberationSubmission:
    submission = _lock_waiting(submission)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez le motif du refus.")})
    return save(
        submission,
        state=SubmissionState.REJECTED,
        reason=reason.strip(),
        decided_at=timezone.now(),
        decided_by=user,
    )
