"""Background work of membership: the consultation before the convention's term (art. 11), the
daily application of due withdrawals, and the weekly digest of the partners' inboxes."""

import datetime

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import staff_addresses
from ligeris.lib.email import send_templated_email
from ligeris.lib.roles import STAFF, Role
from ligeris.lib.scopes import consortium_id_of, consortium_scope, unscoped
from membership.inbox import inbox_of
from membership.models import InboxDigest, TermConsultation
from membership.services.withdrawal import withdrawals_apply_due
from partners.models import Consortium, Partner
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
    with consortium_scope(consortium_id):
        return _consult(consortium_id, today or timezone.localdate())


def _consult(consortium_id: int, today) -> int:
    consortium = Consortium.objects.select_related("coordinator").get(pk=consortium_id)
    alert = term_alert(consortium, today)
    if alert is None:
        return 0
    recipients = staff_addresses(consortium.pk, STAFF)
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
@unscoped  # the due notices of every consortium
def apply_due_withdrawals(notice_ids: list[int] | None = None) -> int:
    """Every withdrawal whose effective date has come becomes effective; run twice, once."""
    return withdrawals_apply_due(notice_ids=notice_ids)


def digest_period(day: datetime.date) -> datetime.date:
    """The period a digest covers: the week, from its Monday."""
    return day - datetime.timedelta(days=day.weekday())


@shared_task
def send_inbox_digests(day: str | None = None) -> int:
    """Weekly (Celery beat): each partner user who has not turned it off gets its inbox's
    digest, once a period; run again, nothing more is sent."""
    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    period = digest_period(today).isoformat()
    users = User.objects.filter(
        is_active=True, role=Role.PARTNER, inbox_digest=True, partner__isnull=False
    )
    return sum(
        send_inbox_digest(pk, period) for pk in users.order_by("pk").values_list("pk", flat=True)
    )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_inbox_digest(user_id: int, period_start: str) -> int:
    """One user's digest for the period starting `period_start`; 0 when off, sent already, or
    nothing awaits its partner."""
    user = User.objects.select_related("partner").filter(pk=user_id).first()
    if user is None or not (user.is_active and user.inbox_digest and user.partner_id):
        return 0
    # The partner's consortium: its inbox is read there, as the portal would.
    with consortium_scope(consortium_id_of(Partner, user.partner_id)):
        return _send_digest(user, period_start)


def _send_digest(user: User, period_start: str) -> int:
    inbox = inbox_of(user.partner)
    if not inbox["awaiting_count"]:
        return 0
    with transaction.atomic():
        record, _created = InboxDigest.objects.get_or_create(
            user=user, period_start=datetime.date.fromisoformat(period_start)
        )
        record = InboxDigest.objects.select_for_update().get(pk=record.pk)
        if record.sent_at:
            return 0
        # Recorded in the transaction of the sending: a failed send leaves it to send again.
        record.sent_at = timezone.now()
        record.item_count = inbox["awaiting_count"]
        record.save(update_fields=["sent_at", "item_count"])
        base = settings.LIGERIS_BASE_URL.rstrip("/")
        send_templated_email(
            "inbox_digest",
            to=[user.email],
            context={
                **inbox,
                "partner": user.partner,
                "base": base,
                "link": base + reverse("membership:inbox"),
                "profile_link": base + reverse("accounts:my_profile"),
            },
        )
    return 1
