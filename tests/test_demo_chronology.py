"""The demo tells a coherent year: each step is stamped at its own date, not at load time."""

import datetime
import io
import zoneinfo

from django.core.management import call_command

from billing.models import AllocationRun
from governance.models import Meeting
from titres.models import Payment, RevenueTitle, TitreBatch, TitreEmail

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(PARIS).date()


def test_every_stamp_of_the_demo_is_within_its_story(db):
    call_command("load_demo", stdout=io.StringIO())
    budget = AllocationRun.objects.get(kind="budget")
    assert _day(budget.created_at) == datetime.date(2026, 1, 12)
    batches = TitreBatch.objects.filter(number=1)
    annual = batches.get(fiscal_year__consortium__short_name="Ligeris")
    assert _day(annual.issued_at) == datetime.date(2026, 1, 20) == annual.issue_date
    # Cœur Côte Fleurie's 2025 catalogue, billed in arrears inside the window.
    arrears = batches.get(fiscal_year__consortium__short_name="Cœur Côte Fleurie")
    assert _day(arrears.issued_at) == datetime.date(2026, 2, 16) == arrears.issue_date
    # The run backs the titres: it was computed before they were issued.
    assert budget.created_at < annual.issued_at
    for email in TitreEmail.objects.filter(titre__batch=annual):
        assert _day(email.sent_at) == datetime.date(2026, 1, 20)
    for payment in Payment.objects.all():
        assert _day(payment.recorded_at) == payment.paid_on
    reduction = RevenueTitle.objects.get(kind="reduction")
    assert _day(reduction.batch.issued_at) == reduction.issued_on == datetime.date(2026, 3, 16)
    for meeting in Meeting.objects.filter(minutes_closed_at__isnull=False):
        closed = _day(meeting.minutes_closed_at)
        assert _day(meeting.starts_at) < closed <= _day(meeting.starts_at) + datetime.timedelta(7)
