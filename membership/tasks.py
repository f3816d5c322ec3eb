"""Background work of membership: the consultation before the convention's term (art. 11) and
the daily application of due withdrawals."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from ligeris.lib.email import send_templated_email
from ligeris.lib.roles import STAFF
from membership.models import TermConsultation
from membership.services.withdrawal import withdrawals_apply_due
from partners.models import Consortium
from partners.selectors import term_alert


@shared_task
def consult_before_term() -> int:
    """Six months before a convention's end, e-mail the coordinator's staff once per period.

    Run daily by Celery beat; the record of the sending is written in the transaction of the
    sending, so a run again (or at once) sends nothing more.
    """
    today = timezone.localdate()
    sent = 0
    for consortium_id in Consortium.objects.order_by("pk").values_list("pk", flat=True):
        sent += consult_consortium(consortium_id, today=today)
    return sent


def consult_consortium(consortium_id: int, *, today=None) -> int:
    today = today or timezone.localdate()
    consortium = Consortium.objects.select_related("coordinator").get(pk=consortium_id)
    alert = term_alert(consortium, today)
    if alert is None:
        return 0
    recipients = list(
        User.objects.filter(is_active=True, role__in=STAFF)
        .values_list("email", flat=True)
        .order_by("email")
    )
    if not recipients:
        return 0
    with transaction.atomic():
        record, _created = TermConsultation.objects.get_or_create(
            convention=alert["convention"], period_end=alert["ends_on"]
        )
        record = TermConsultation.objects.select_for_update().get(pk=record.pk)
        if record.sent_at:
            return 0
        record.sent_at = timezone.now()
        record.save(update_fields=["sent_at"])
        send_templated_email(
            "term_consultation",
            to=recipients,
            context={
                **alert,
                "consortium": consortium,
                "link": settings.LIGERIS_BASE_URL.rstrip("/") + "/groupement/",
            },
        )
    return 1


@shared_task
def apply_due_withdrawals(notice_ids: list[int] | None = None) -> int:
    """Every withdrawal whose effective date has come becomes effective; run twice, once."""
    return withdrawals_apply_due(notice_ids=notice_ids)
