"""More pages read as many queries with 10× more rows (issue 17, found by bench/pages.py): a
body's seats (a general assembly seats every partner), a fiscal year's page (its volume readings
and tenants without one), and the overdue list when most titres are paid."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import StorageVolume
from billing.services import titres
from governance.services.bodies import seat_add
from governance.views.bodies import SEATS_PER_PAGE
from partners import services as partner_services
from tests.billing_fixtures import JAN_1
from tests.factories import PartnerFactory, PersonFactory
from tests.titre_fixtures import ISSUE_DATE, add_paying_partners, settings_for, specific_run
from titres import overdue as overdue_set
from titres import titre_selectors
from titres.models import RevenueTitle


def _queries(client, url: str, params: dict | None = None) -> tuple[int, str]:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(queries), response.text


def test_a_body_reads_the_same_queries_with_ten_times_its_seats(world, copil, client_for):
    client = client_for("secretary")
    url = reverse("governance:body_detail", args=[copil.body.pk])
    before, page = _queries(client, url)
    assert "3 sièges" in page
    for index in range(57):
        partner = PartnerFactory(consortium=world.consortium, name=f"Commune n° {index:02d}")
        seat_add(
            body=copil.body, person=PersonFactory(partner=partner, last_name=f"Élu{index:02d}")
        )
    after, page = _queries(client, url)
    assert after == before
    assert "60 sièges" in page and "Page 1 sur 2" in page
    assert page.count("Retirer</button>") == SEATS_PER_PAGE  # one page of seats, not 60
    _, second = _queries(client, url, {"sieges": 2})
    assert second.count("Retirer</button>") == 60 - SEATS_PER_PAGE and "Élu56" in second


def _tenants(world, count: int, first: int, *, volume: bool) -> None:
    for index in range(first, first + count):
        tenant = partner_services.tenant_create(
            consortium=world.consortium,
            code=f"an{index:03d}",
            name=f"Tenant de Blois {index}",
            opened_on=datetime.date(2024, 1, 1),
            payer=world.partner_a,
        )
        if volume:
            StorageVolume.objects.create(tenant=tenant, measured_on=JAN_1, gigabytes=Decimal(10))


def test_a_year_reads_the_same_queries_with_ten_times_its_tenants(world, billing_year, client_for):
    client = client_for("finance")
    url = reverse("billing:year_detail", args=[billing_year.fiscal_year.year])
    _tenants(world, 3, 0, volume=False)
    before, page = _queries(client, url)
    assert "an002" in page and "en tout" not in page
    _tenants(world, 57, 3, volume=False)
    _tenants(world, 60, 60, volume=True)
    after, page = _queries(client, url)
    assert after == before
    readings = StorageVolume.objects.filter(measured_on=JAN_1).count()
    assert f"{readings} relevés." in page
    # The first 50 tenants without a reading are named, the others counted.
    assert "an049" in page and "an050" not in page and "(60 en tout)" in page


def test_the_overdue_list_keeps_its_balances_when_most_titres_are_paid(world, billing_year):
    """The overdue titres are found from summed payments: a partial payment leaves a titre due,
    a full one takes it off, a reversed one puts it back."""
    settings_for(world)
    tenants = add_paying_partners(world, 4)
    batch, _ = titres.drafts_from_run(
        run=specific_run(billing_year, dict.fromkeys(tenants, "120.00")), issue_date=ISSUE_DATE
    )
    titres.batch_issue(batch=batch)
    issued = {titre.tenant_id: titre for titre in batch.titres.all()}
    paid, partial, reversed_, unpaid = (issued[tenant.pk] for tenant in tenants)
    for titre, amount in ((paid, "120.00"), (partial, "119.99"), (reversed_, "120.00")):
        titres.payment_record(
            titre=titre, paid_on=ISSUE_DATE, amount=Decimal(amount), reference="virement"
        )
    titres.payment_reverse(
        payment=reversed_.payments.get(),
        reversed_on=ISSUE_DATE,
        reason="Saisi sur le mauvais titre",
    )
    late = ISSUE_DATE + datetime.timedelta(days=200)
    overdue = list(titre_selectors.overdue(world.consortium, today=late))
    assert {titre.pk for titre in overdue} == {partial.pk, reversed_.pk, unpaid.pk}
    assert {titre.pk: titre.balance for titre in overdue} == {
        partial.pk: Decimal("0.01"),
        reversed_.pk: Decimal("120.00"),
        unpaid.pk: Decimal("120.00"),
    }
    # The overdue set read once (the overdue page) gives the full computation's balances, and
    # the late debtors' totals are their sums, to the cent.
    full = {
        titre.pk: titre.balance
        for titre in titre_selectors.with_balance(
            RevenueTitle.objects.filter(consortium=world.consortium, due_on__lt=late)
        )
        if titre.balance > 0
    }
    rows = overdue_set.overdue_rows(world.consortium, late)
    assert {row.pk: row.balance for row in rows} == full
    table = overdue_set.OverdueTableData(rows)
    assert len(table) == 3 and [t.balance for t in table[0:3]] == [row.balance for row in rows]
    debtors = overdue_set.late_debtors(rows, late)
    flags = titre_selectors.exclusion_flags(world.consortium, late, debtors=debtors)
    for flag in flags:
        mine = [
            pk for pk, _ in full.items() if RevenueTitle.objects.get(pk=pk).debtor == flag.partner
        ]
        assert flag.amount_due == sum(full[pk] for pk in mine)
        assert sorted(t.pk for t in flag.titres) == sorted(mine)
    assert sum(flag.amount_due for flag in flags) == Decimal("240.01")
    assert overdue_set.late_debtor_count(world.consortium, late) == len(flags) == 3
