"""The inbox digest through a real Redis broker and a real Celery worker: the weekly task queued
twice for the same week mails each partner user once."""

import pytest

from membership.models import InboxDigest
from membership.tasks import send_inbox_digests
from partners.contact_changes import contact_change_reject
from tests.portal_fixtures import change_of
from tests.test_celery_worker import real_worker, redis_url  # noqa: F401  (fixtures)

pytestmark = pytest.mark.celery_worker


def test_the_digest_is_mailed_once_by_a_real_worker(real_worker, mailoutbox, world, users):  # noqa: F811
    # Something awaits each partner (a refusal to read), and no other task is queued.
    for partner in (world.partner_a, world.partner_b):
        change = change_of(partner, kind="billing_email", email=f"f{partner.pk}@example.org")
        contact_change_reject(change=change, reason="Adresse inconnue.")

    first = send_inbox_digests.delay("2026-12-02")
    second = send_inbox_digests.apply_async(args=["2026-12-03"])  # same week
    results = [first.get(timeout=30), second.get(timeout=30)]

    assert sum(results) == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    assert InboxDigest.objects.filter(sent_at__isnull=False).count() == 2
