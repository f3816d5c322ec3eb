"""Background work of billing: build the XLSX of a large year's recap, send the e-mails of
purchase orders. The titres' PDFs and e-mails are `titres.tasks`.
"""

import datetime

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from billing import recap_export
from billing.models import OrderNotice, RecapExport
from ligeris.lib.scopes import in_scope_of, scope_of, scopes_disabled
from titres.tasks import RETRY, TRANSIENT


@shared_task(**RETRY)
@in_scope_of(RecapExport, "export_id")
def build_recap_export(export_id: int) -> bool:
    """Build and store a recap workbook (`RecapExport`); run twice, it stores it once."""
    export = (
        RecapExport.objects.select_related("fiscal_year__consortium", "budget_run", "actual_run")
        .defer("xlsx", "budget_run__inputs", "actual_run__inputs")
        .filter(pk=export_id)
        .first()
    )
    if export is None or export.done_at is not None:
        return False

    def progress(done: int, total: int) -> None:
        # A slower second run must not rewind the progress of a workbook already stored.
        RecapExport.objects.filter(pk=export_id, done_at__isnull=True).update(
            rows_done=done, rows_total=total
        )

    try:
        data = recap_export.build_xlsx(recap_export.runs_of_export(export), progress)
    except TRANSIENT:
        raise
    except Exception as error:
        RecapExport.objects.filter(pk=export_id, done_at__isnull=True).update(
            error=str(error)[:300]
        )
        raise
    # Guarded: a second run finishing later keeps the first workbook stored.
    return bool(
        RecapExport.objects.filter(pk=export_id, done_at__isnull=True).update(
            xlsx=data,
            sha256=recap_export.sha256(data),
            size=len(data),
            rows_done=F("rows_total"),
            done_at=timezone.now(),
            error="",
        )
    )


@shared_task
@in_scope_of(OrderNotice, "notice_id")
def send_order_notice(notice_id: int) -> int:
    """The e-mail of a purchase order's step (submitted, or the coordinator's decision), once."""
    from billing.order_notices import order_notice_send

    return order_notice_send(notice_id)


@shared_task
def send_unsent_order_notices() -> int:
    """Every quarter of an hour: the notices queued when the broker was down are sent."""
    from billing.order_notices import order_notice_send, unsent_notices

    with scopes_disabled():  # the notices of every consortium; each is sent in its own
        pks = list(unsent_notices(datetime.timedelta(minutes=10)))
    sent = 0
    for pk in pks:
        with scope_of(OrderNotice, pk):
            sent += order_notice_send(pk)
    return sent
