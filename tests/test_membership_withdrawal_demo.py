"""The demo's withdrawing partner, and what the timeline and the dashboard get from it."""

import io

from django.core.management import call_command
from django.utils import timezone

from membership.models import WithdrawalNotice
from membership.selectors.withdrawal import dashboard_rows, timeline_events
from partners.models import PartnerStatus


def test_the_demo_has_one_partner_withdrawing(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    notice = WithdrawalNotice.objects.select_related("partner").get()
    today = timezone.localdate()
    assert notice.partner.status == PartnerStatus.WITHDRAWING
    assert notice.received_on < today < notice.effective_on
    assert notice.applied_at is None

    events = timeline_events(notice.partner)
    assert [e.title for e in events] == [
        "Préavis de retrait reçu (recommandé 1A 178 412 0937 5)",
        "Date d'effet du retrait",
        "Restitution des données demandée",
    ]
    assert events[1].is_deadline and events[1].day == notice.effective_on
    assert all(e.url == notice.get_absolute_url() for e in events)

    rows = dashboard_rows(notice.partner.consortium)
    assert rows == [
        {
            "day": notice.effective_on,
            "title": "Retrait de CIAS de Chartres Métropole : prend effet le "
            + notice.effective_on.strftime("%d/%m/%Y"),
            "url": notice.get_absolute_url(),
            "partner": notice.partner,
        }
    ]
