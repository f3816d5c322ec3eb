"""The term consultation through a real Redis broker and a real Celery worker: queued twice,
mailed once (the beat task takes no argument and reads the day itself)."""

import datetime

import pytest
from django.utils import timezone

from membership.models import TermConsultation
from membership.tasks import consult_before_term
from partners.selectors import add_months
from partners.services import convention_save
from tests.test_celery_worker import real_worker, redis_url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.celery_worker


def test_the_consultation_is_mailed_once_by_a_real_worker(real_worker, mailoutbox, world, users):  # noqa: F811
    today = timezone.localdate()
    convention = world.consortium.conventions.get()
    # The current period ends three months from today: within the six months of article 11.
    convention_save(
        convention=convention,
        signed_on=add_months(today, -12),
        starts_on=add_months(today, -12),
        ends_on=add_months(today, 3),
    )

    first = consult_before_term.delay()
    second = consult_before_term.apply_async()
    results = [first.get(timeout=30), second.get(timeout=30)]

    assert sorted(results) == [0, 1]
    (message,) = [m for m in mailoutbox if "terme" in m.subject]
    assert sorted(message.to) == [
        "admin@example.org",
        "finance@example.org",
        "secretary@example.org",
    ]
    assert f"{add_months(today, 3):%d/%m/%Y}" in message.subject
    record = TermConsultation.objects.get()
    assert record.sent_at is not None
    assert record.period_end == add_months(today, 3)
    assert isinstance(record.period_end, datetime.date)
