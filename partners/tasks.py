"""Background work of partners: validated contact changes whose date has come. Tasks take ids."""

from celery import shared_task

from ligeris.lib.scopes import unscoped
from partners.contact_changes import contact_changes_apply_due


@shared_task
@unscoped  # the due changes of every consortium
def apply_due_contact_changes(change_ids: list[int] | None = None) -> int:
    """Run daily by Celery beat: idempotent, a change applies once."""
    return contact_changes_apply_due(change_ids=change_ids)
