"""The timeline's queries do not grow with the partner's events: one of each kind, then many of
each kind, read with no more queries (the page, for staff and for the partner's own user)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import RunKind
from billing.services import runs, titres
from governance.models import AttendanceStatus, DecisionKind, ItemKind
from governance.services import meetings as meeting_services
from governance.services.bodies import seat_add
from governance.services.meetings import AttendanceEntry
from membership.timeline import timeline
from partners import services as partner_services
from partners.models import Amendment
from tests.billing_fixtures import record_actuals
from tests.factories import PersonFactory
from tests.governance_fixtures import MEETING_AT, vote_all
from tests.test_membership_timeline import build_story
from tests.titre_fixtures import specific_run
from titres.models import RevenueTitle, TitreKind

REDUCED_ON = datetime.date(2026, 3, 2)
REFUNDED_ON = datetime.date(2026, 3, 5)
SPECIFIC_ON = datetime.date(2026, 4, 1)


def closed_meeting(world, copil, *, days_before: int, decisions: int) -> None:
    """Another COPIL meeting, everyone present, `decisions` items voted for, minutes closed."""
    people = copil.people
    meeting = meeting_services.meeting_schedule(
        body=copil.body,
        starts_at=MEETING_AT - datetime.timedelta(days=days_before),
        place="Hôtel du Département, Tours",
    )
    meeting = meeting_services.meeting_update(
        meeting=meeting, chair=people[world.coordinator.pk], secretary=people[world.coordinator.pk]
    )
    items = [
        meeting_services.item_add(
            meeting=meeting,
            title=f"Point {index}",
            kind=ItemKind.DECISION,
            motion="Le COPIL adopte.",
            decision_kind=DecisionKind.EVOLUTION,
        )
        for index in range(decisions)
    ]
    meeting_services.attendance_record(
        meeting=meeting,
        entries=[
            AttendanceEntry(seat, AttendanceStatus.PRESENT) for seat in copil.body.seats.all()
        ],
    )
    for item in items:
        vote_all(meeting, item.decision)
    meeting_services.minutes_close(meeting=meeting)


def one_more_of_each(world, copil, open_meeting, index: int) -> None:
    a = world.partner_a
    tenant = partner_services.tenant_create(
        consortium=world.consortium,
        code=f"plus{index}",
        name=f"Tenant {index}",
        opened_on=datetime.date(2024, 3, index + 1),
        payer=a,
    )
    partner_services.tenant_save(tenant=tenant, closed_on=datetime.date(2025, 3, index + 1))
    partner_services.amendment_save(
        amendment=Amendment(convention=world.consortium.conventions.get()),
        number=10 + index,
        kind="other",
        title=f"Avenant {index}",
        partner=a,
        signed_on=datetime.date(2025, 2, index + 1),
        effective_on=datetime.date(2025, 3, index + 1),
    )
    partner_services.partner_save(partner=a, status="withdrawing")
    partner_services.partner_save(partner=a, status="member")
    seat_add(body=copil.body, person=PersonFactory(partner=a, role="archives"))
    exclusion_on_agenda(world, open_meeting, index)


def exclusion_on_agenda(world, meeting, index: int) -> None:
    meeting_services.item_add(
        meeting=meeting,
        title=f"Exclusion {index}",
        kind=ItemKind.DECISION,
        motion="Le COPIL exclut la Ville de Blois.",
        decision_kind=DecisionKind.EXCLUSION,
        concerned_partner=world.partner_a,
    )


def money_of_each(world, billing_year, blois: RevenueTitle, tours: RevenueTitle, n: int) -> None:
    for index in range(n):
        titres.titre_correct(
            original=blois,
            kind=TitreKind.REDUCTION,
            amount=Decimal("10.00"),
            reason=f"Remise {index}",
            issue_date=REDUCED_ON,
        )
        titres.refund_record(
            titre=blois, mandate_number=f"M-{index}", paid_on=REFUNDED_ON, amount=Decimal("10.00")
        )
        payment = titres.payment_record(
            titre=tours, paid_on=REFUNDED_ON, amount=Decimal("1.00"), reference=f"P-{index}"
        )
        titres.payment_reverse(payment=payment, reversed_on=REFUNDED_ON, reason="Erreur")


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["finance", "partner_a"])
def test_queries_do_not_grow_with_the_events(
    role,
    world,
    copil,
    issued_batch,
    budget_run,
    billing_year,
    client_for,
    django_assert_max_num_queries,
):
    blois = build_story(world, copil, issued_batch)
    tours = RevenueTitle.objects.get(batch=blois.batch, tenant__code="tours")
    money_of_each(world, billing_year, blois, tours, 1)
    open_meeting = meeting_services.meeting_schedule(
        body=copil.body,
        starts_at=datetime.datetime(2099, 3, 10, 10, tzinfo=datetime.UTC),
        place="Hôtel du Département, Tours",
    )
    exclusion_on_agenda(world, open_meeting, 0)
    url = reverse("membership:partner_timeline", args=[world.partner_a.pk])
    client = client_for(role)
    one = _count(client, url)
    before = len(timeline(world.partner_a))

    for index in range(5):
        one_more_of_each(world, copil, open_meeting, index + 1)
    closed_meeting(world, copil, days_before=30, decisions=5)
    money_of_each(world, billing_year, blois, tours, 5)
    record_actuals(billing_year)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    run = specific_run(billing_year, {world.tenant_a: "120.00", world.tenant_shared: "80.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=SPECIFIC_ON)
    titres.batch_issue(batch=batch)

    after = len(timeline(world.partner_a))
    assert after > before + 60
    with django_assert_max_num_queries(one):
        assert client.get(url).status_code == 200
