"""A large meeting's minutes laid out by a real Celery worker on Redis (no eager mode): queued
twice, stored once, the PDF's SHA-256 with it; downloaded, the same bytes."""

import hashlib

import pytest
from django.urls import reverse

from governance.models import MinutesExport
from governance.tasks import build_minutes_pdf
from tests.test_celery_worker import real_worker, redis_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.celery_worker


def test_the_minutes_are_laid_out_once_by_a_real_worker(
    real_worker,  # noqa: F811
    copil,
    client_for,
    settings,
):
    settings.LIGERIS_MINUTES_LARGE_SEATS = 2  # the COPIL has three seats: a large meeting
    meeting = copil.meeting
    export = MinutesExport.objects.create(meeting=meeting)
    # Two at once: whichever finishes first stores its PDF, the other stores nothing.
    queued = [build_minutes_pdf.delay(export.pk), build_minutes_pdf.apply_async([export.pk])]
    assert sorted(result.get(timeout=120) for result in queued) == [False, True]

    export.refresh_from_db()
    data = bytes(export.pdf)
    assert data.startswith(b"%PDF") and export.done_at is not None and not export.error
    assert export.sha256 == hashlib.sha256(data).hexdigest() and export.size == len(data)
    url = reverse("governance:minutes_pdf", args=[meeting.pk])
    response = client_for("secretary").get(f"{url}?brouillon={export.pk}")
    assert response.status_code == 200 and response.content == data
    assert build_minutes_pdf.delay(export.pk).get(timeout=60) is False  # stored: nothing more
