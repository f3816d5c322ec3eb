"""Reads of the deliberations partners upload: staff see their consortium's, a partner user its
own."""

from django.db.models import QuerySet

from ligeris.lib.roles import STAFF, role_of
from membership.models import AmendmentParty, DeliberationSubmission, SubmissionState
from partners.models import Consortium
from partners.selectors import acting_partner_id, in_consortium


def _submissions() -> QuerySet[DeliberationSubmission]:
    return DeliberationSubmission.objects.select_related(
        "party__partner", "party__file__amendment", "submitted_by"
    ).order_by("-submitted_at", "-pk")


def submissions_visible_to(user, consortium: Consortium | None) -> QuerySet[DeliberationSubmission]:
    submissions = _submissions()
    if role_of(user) in STAFF:
        return in_consortium(
            submissions, user, consortium, "party__file__amendment__convention__consortium"
        )
    return submissions.filter(party__partner_id=acting_partner_id(user))


def waiting_submissions(user, consortium: Consortium | None) -> QuerySet[DeliberationSubmission]:
    """Those still to be checked."""
    return submissions_visible_to(user, consortium).filter(state=SubmissionState.SUBMITTED)


def own_party(user, file_id: int) -> AmendmentParty | None:
    """The user's partner as a party to this amendment, or None (not a party: 404)."""
    return (
        AmendmentParty.objects.select_related("file__amendment", "partner")
        .filter(file_id=file_id, partner_id=acting_partner_id(user))
        .first()
    )


def may_submit(party: AmendmentParty | None) -> bool:
    """An amendment not in force, the party's approval missing and none waiting to be checked."""
    return (
        party is not None
        and not party.file.is_in_force
        and not party.has_approved
        and not party.submissions.filter(state=SubmissionState.SUBMITTED).exists()
    )
