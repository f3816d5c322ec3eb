"""Background work of governance: convocations and the frequency reminder. Tasks take ids."""

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.selectors import staff_addresses
from governance import selectors
from governance.calendar import meeting_ics
from governance.confirmations import ICS_FILENAME, convocation_context
from governance.models import (
    ConvocationDelivery,
    FrequencyAlert,
    Meeting,
    MeetingRequest,
    MinutesExport,
    RequestState,
)
from governance.services.meetings import meeting_mark_convened
from ligeris.lib.email import send_templated_email
from ligeris.lib.roles import Role
from ligeris.lib.scopes import in_scope_of, unscoped

#: The frequency reminder starts on 1 October: before it, a body still has time.
ALERT_FROM_MONTH = 10


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
@in_scope_of(Meeting, "meeting_id")
def send_convocation(self, meeting_id: int) -> int:
    """E-mail the convocation to every seat holder once; a retry sends only what is missing."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    sent = 0
    for seat in selectors.active_seats(meeting.body):
        if _send_one(meeting, seat):
            sent += 1
    meeting_mark_convened(meeting_id=meeting.pk)
    return sent


def _send_one(meeting: Meeting, seat) -> bool:
    with transaction.atomic():
        delivery, _created = ConvocationDelivery.objects.get_or_create(
            meeting=meeting, seat=seat, defaults={"email": seat.person.email}
        )
        delivery = ConvocationDelivery.objects.select_for_update().get(pk=delivery.pk)
        if delivery.sent_at:
            return False
        # Recorded in the same transaction as the send: a failed send rolls the record back.
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
        send_templated_email(
            "convocation",
            to=[delivery.email],
            context=convocation_context(meeting, seat),
            attachments=[
                (
                    ICS_FILENAME,
                    meeting_ics(meeting, attendee_email=delivery.email),
                    "text/calendar",
                ),
            ],
        )
        return True


@shared_task
@unscoped  # every consortium's bodies; each is told to its own staff
def check_meeting_frequency() -> int:
    """From 1 October, e-mail the coordinator's staff about bodies behind their yearly minimum.

    Run daily by Celery beat; at most one reminder per body and month.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    if today.month < ALERT_FROM_MONTH:
        return 0
    # The same instant decides the month and which meetings are already held.
    behind = [f for f in selectors.frequency(today.year, now=now) if f.behind]
    recipients = {}  # per consortium: its own secretaries hear of its bodies, no one else's
    sent = 0
    for row in behind:
        consortium_id = row.body.consortium_id
        if consortium_id not in recipients:
            recipients[consortium_id] = staff_addresses(consortium_id, (Role.ADMIN, Role.SECRETARY))
        if not recipients[consortium_id]:
            continue
        with transaction.atomic():
            alert, _created = FrequencyAlert.objects.get_or_create(
                body=row.body, year=today.year, month=today.month
            )
            alert = FrequencyAlert.objects.select_for_update().get(pk=alert.pk)
            if alert.sent_at:
                continue
            alert.sent_at = timezone.now()
            alert.save(update_fields=["sent_at"])
            send_templated_email(
                "frequency_alert",
                to=recipients[consortium_id],
                context={
                    "row": row,
                    "year": today.year,
                    "link": settings.LIGERIS_BASE_URL.rstrip("/") + "/gouvernance/frequence/",
                },
            )
            sent += 1
    return sent


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
@in_scope_of(MeetingRequest, "request_id")
def notify_meeting_request(self, request_id: int) -> int:
    """Tell the requester what became of its meeting request, once."""
    with transaction.atomic():
        request = (
            MeetingRequest.objects.select_for_update(of=("self",))
            .select_related("body", "partner", "meeting", "requested_by")
            .filter(pk=request_id)
            .first()
        )
        if request is None or request.state == RequestState.PENDING or request.notified_at:
            return 0
        recipients = selectors.meeting_request_recipients(request)
        if not recipients:
            return 0
        request.notified_at = timezone.now()
        request.save(update_fields=["notified_at"])
        link = settings.LIGERIS_BASE_URL.rstrip("/") + reverse("governance:meeting_request_list")
        send_templated_email(
            "meeting_request_decided",
            to=recipients,
            context={"request": request, "link": link},
        )
    return 1


_TRANSIENT = (OSError, OperationalError, InterfaceError)


@shared_task(autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=5)
@in_scope_of(MinutesExport, "export_id")
def build_minutes_pdf(export_id: int) -> bool:
    """Lay out and store a meeting's minutes (`MinutesExport`); run twice, it stores them once."""
    from governance.minutes import minutes_pdf  # WeasyPrint: loaded by the task that uses it
    from governance.services.minutes_exports import sha256

    export = (
        MinutesExport.objects.select_related("meeting").defer("pdf").filter(pk=export_id).first()
    )
    if export is None or export.done_at is not None:
        return False
    try:
        data = minutes_pdf(export.meeting)
    except _TRANSIENT:
        raise
    except Exception as error:
        MinutesExport.objects.filter(pk=export_id).update(error=str(error)[:300])
        raise
    # Guarded: a second run finishing later keeps the first PDF stored.
    return bool(
        MinutesExport.objects.filter(pk=export_id, done_at__isnull=True).update(
            pdf=data, sha256=sha256(data), size=len(data), done_at=timezone.now(), error=""
        )
    )
