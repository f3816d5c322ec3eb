"""Background work of membership: the daily application of due withdrawals."""

from celery import shared_task

from membership.services.withdrawal import withdrawals_apply_due


@shared_task
def apply_due_withdrawals(notice_ids: list[int] | None = None) -> int:
    """Every withdrawal whose effective date has come becomes effective; run twice, once."""
    return withdrawals_apply_due(notice_ids=notice_ids)
