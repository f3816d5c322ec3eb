"""Purchase orders (articles 5 and 7): drafted by a partner in the year's period (emergencies
apart), issued by the coordinator with a gapless number, a PDF and a direct charge."""

import datetime
import hashlib
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from billing.models import (
    ChargeOn,
    OrderState,
    PoolCategory,
    PurchaseOrder,
    PurchaseOrderLine,
    RunKind,
    Share,
    SpreadOn,
)
from billing.order_selectors import orders_awaiting_partner, orders_sent_by
from billing.services import order_review, orders, runs
from billing.services.orders import LineInput
from tests.order_fixtures import (
    AFTER_PERIOD,
    IN_PERIOD,
    draft_order,
    issued_order,
    open_period,
    submitted_order,
    unit_price,
)
from titres.models import TitreSequence


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())  # table cells wrap


def test_an_order_submitted_in_the_period_is_issued_numbered_with_its_pdf_and_charged(
    world, billing_year, users, mailoutbox, django_capture_on_commit_callbacks
):
    fiscal_year = billing_year.fiscal_year
    with django_capture_on_commit_callbacks(execute=True):
        order = submitted_order(world, fiscal_year, tenant=world.tenant_a)
    assert order.state == OrderState.SUBMITTED and not order.emergency
    assert [m.to for m in mailoutbox] == [[users["finance"].email]]
    assert "Ville de Blois" in mailoutbox[0].body
    free = order.lines.get(tariff_line=None)

    with django_capture_on_commit_callbacks(execute=True):
        order = order_review.order_issue(
            order=order, prices={free.pk: Decimal("1500")}, user=users["finance"], today=IN_PERIOD
        )
    order.refresh_from_db()
    assert order.state == OrderState.ISSUED
    assert order.reference == "BC-2026-0001"
    # 2.5 To × 420,00 € + 1 × 1 500,00 €
    assert order.total == Decimal("2550.00")
    assert order.pdf_sha256 == hashlib.sha256(bytes(order.pdf)).hexdigest()
    text = _text(bytes(order.pdf))
    for expected in (
        "BC-2026-0001",
        "Ville de Blois",
        world.tenant_a.name,
        "Stockage supplémentaire",
        "Reprise de 40 000 actes numérisés",
        "Grille tarifaire 2026",
        "Prix fixé par le coordonnateur",
        "10/03/2026",
    ):
        assert expected in text, expected
    assert "2 550,00 €" in text
    # The partner is told, the order attached.
    issued_mail = mailoutbox[-1]
    assert issued_mail.to == [users["partner_a"].email]
    assert issued_mail.attachments[0][0] == "bon-de-commande-BC-2026-0001.pdf"

    # A direct charge to the tenant, on the next run (the year's actual run).
    pool = order.pool
    assert (pool.key, pool.category, pool.spread_on) == (
        "direct",
        PoolCategory.ORDER,
        SpreadOn.ACTUAL,
    )
    assert pool.direct_tenant == world.tenant_a
    assert pool.expenses.get().amount == Decimal("2550.00")
    run = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.ACTUAL)
    share = Share.objects.get(run=run, pool=pool)
    assert (share.partner, share.tenant, share.amount) == (
        world.partner_a,
        world.tenant_a,
        Decimal("2550.00"),
    )
    # Every step in the audit trail.
    entries = LogEntry.objects.get_for_object(order)
    states = [e.changes_dict.get("state", [None, None])[1] for e in entries.order_by("pk")]
    assert [s for s in states if s] == ["draft", "submitted", "issued"]


def test_an_order_on_a_specific_titre_goes_to_the_specific_run(world, billing_year, client_for):
    order = issued_order(world, billing_year.fiscal_year, charge_on=ChargeOn.SPECIFIC)
    assert (
        order.pool.spread_on == SpreadOn.SPECIFIC and order.pool.direct_partner == world.partner_a
    )
    shares_page = reverse("billing:my_shares")
    assert "pas encore répartie" in client_for("partner_a").get(shares_page).text
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.SPECIFIC)
    assert run.shares.get().amount == order.total
    page = client_for("partner_a").get(shares_page).text
    assert "Titres spécifiques 2026, version 1" in page and "pas encore répartie" not in page
    assert order.reference not in client_for("partner_b").get(shares_page).text


def test_outside_the_period_an_order_needs_a_written_emergency_reason(world, billing_year):
    fiscal_year = billing_year.fiscal_year
    open_period(fiscal_year)
    order = draft_order(world, fiscal_year)
    with pytest.raises(ValidationError) as refused:
        orders.order_submit(order=order, today=AFTER_PERIOD, emergency_reason="   ")
    message = " ".join(refused.value.messages)
    assert "La période de commande est close : elle court du 01/02/2026 au 31/03/2026" in message
    assert "qu'en urgence" in message
    order.refresh_from_db()
    assert order.state == OrderState.DRAFT and order.submitted_at is None

    order = orders.order_submit(
        order=order, today=AFTER_PERIOD, emergency_reason="Saturation du stockage constatée"
    )
    assert order.state == OrderState.SUBMITTED
    assert order.emergency and order.emergency_reason == "Saturation du stockage constatée"


def test_without_a_period_only_an_emergency_is_submitted(world, billing_year):
    order = draft_order(world, billing_year.fiscal_year)
    with pytest.raises(ValidationError, match="pas encore fixée"):
        orders.order_submit(order=order, today=IN_PERIOD)


def test_the_period_is_inside_the_year_and_in_order(world, billing_year):
    fiscal_year = billing_year.fiscal_year
    with pytest.raises(ValidationError, match="exercice 2026"):
        orders.ordering_period_save(
            fiscal_year=fiscal_year,
            opens_on=datetime.date(2025, 12, 1),
            closes_on=datetime.date(2026, 1, 31),
        )
    with pytest.raises(ValidationError, match="suit leur ouverture"):
        orders.ordering_period_save(
            fiscal_year=fiscal_year,
            opens_on=datetime.date(2026, 3, 1),
            closes_on=datetime.date(2026, 2, 1),
        )
    assert not hasattr(type(fiscal_year).objects.get(pk=fiscal_year.pk), "ordering_period_x")


def test_changes_requested_then_submitted_again_then_refused(world, billing_year):
    fiscal_year = billing_year.fiscal_year
    order = submitted_order(world, fiscal_year)
    with pytest.raises(ValidationError):
        order_review.order_request_changes(order=order, comment=" ")
    order = order_review.order_request_changes(order=order, comment="Précisez le volume.")
    assert list(orders_awaiting_partner(world.partner_a)) == [order]
    order = orders.order_save(
        partner=world.partner_a,
        fiscal_year=fiscal_year,
        reason="Extension, 3 To",
        lines=[LineInput(quantity=Decimal("3"), tariff_line=unit_price(fiscal_year))],
        order=order,
    )
    assert order.lines.get().amount == Decimal("1260.00")
    order = orders.order_submit(order=order, today=IN_PERIOD)
    assert list(orders_sent_by(world.partner_a)) == [order]
    with pytest.raises(ValidationError, match="motif"):
        order_review.order_refuse(order=order, reason="")
    order = order_review.order_refuse(order=order, reason="Hors du périmètre de la convention")
    assert order.state == OrderState.REFUSED
    with pytest.raises(ValidationError):
        order_review.order_issue(order=order)


def test_an_issued_order_never_changes(world, billing_year):
    order = issued_order(world, billing_year.fiscal_year)
    with pytest.raises(ValidationError, match="ne se modifie ni ne se supprime"):
        PurchaseOrder.objects.filter(pk=order.pk).update(reason="Autre")
    with pytest.raises(ValidationError):
        order.lines.first().delete()
    with pytest.raises(ValidationError):
        orders.order_withdraw(order=order)
    line = order.lines.first()
    line.pk, line.position = None, 9
    with pytest.raises(ValidationError):
        line.save()
    assert PurchaseOrderLine.objects.filter(order=order).count() == 2


def test_the_partner_withdraws_its_submitted_order(world, billing_year):
    order = submitted_order(world, billing_year.fiscal_year)
    order = orders.order_withdraw(order=order)
    assert order.state == OrderState.CANCELLED
    with pytest.raises(ValidationError):
        order_review.order_issue(order=order)


def test_lines_are_checked(world, billing_year):
    fiscal_year = billing_year.fiscal_year
    heb_line = fiscal_year.grid.lines.get(code="heb")  # a pool budget, not a unit price

    def save(lines, tenant=None):
        return orders.order_save(
            partner=world.partner_a, fiscal_year=fiscal_year, reason="x", lines=lines, tenant=tenant
        )

    for lines, message in (
        ([], "au moins une ligne"),
        ([LineInput(quantity=Decimal("1"), tariff_line=heb_line)], "pas un prix unitaire"),
        ([LineInput(quantity=Decimal("0"), label="Formation")], "quantité est positive"),
        ([LineInput(quantity=Decimal("1"))], "décrivez la prestation"),
        ([LineInput(quantity=Decimal("1"), label="x")] * 31, "au plus 30 lignes"),
    ):
        with pytest.raises(ValidationError, match=message):
            save(lines)
    with pytest.raises(ValidationError, match="pas un de ceux du partenaire"):
        save([LineInput(quantity=Decimal("1"), label="x")], tenant=world.tenant_b)
    assert not PurchaseOrder.objects.exists()


def test_a_free_line_needs_its_price_at_issue(world, billing_year):
    order = submitted_order(world, billing_year.fiscal_year)
    with pytest.raises(ValidationError, match="fixez son prix unitaire"):
        order_review.order_issue(order=order, today=IN_PERIOD)
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED and order.number is None
    assert not TitreSequence.objects.filter(kind="order", last_number__gt=0).exists()


def test_numbers_follow_each_other_per_year(world, billing_year):
    first = issued_order(world, billing_year.fiscal_year)
    second = issued_order(world, billing_year.fiscal_year, partner=world.partner_b)
    assert [first.reference, second.reference] == ["BC-2026-0001", "BC-2026-0002"]
    assert TitreSequence.objects.get(kind="order").last_number == 2


# --- The pages: the partner's own orders only; the coordinator decides. ---


def test_a_partner_neither_sees_nor_changes_another_partners_order(world, billing_year, client_for):
    order = submitted_order(world, billing_year.fiscal_year)
    other = client_for("partner_b")
    for name in ("order_detail", "order_update", "order_submit"):
        assert other.get(reverse(f"billing:{name}", args=[order.pk])).status_code == 404
    assert other.post(reverse("billing:order_withdraw", args=[order.pk])).status_code == 404
    assert order.reference not in other.get(reverse("billing:order_list")).text
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED


def test_a_partner_cannot_issue_its_own_order(world, billing_year, client_for):
    order = submitted_order(world, billing_year.fiscal_year)
    own = client_for("partner_a")
    for name in ("order_issue", "order_refuse", "order_request_changes"):
        assert own.post(reverse(f"billing:{name}", args=[order.pk]), {}).status_code == 403
    order.refresh_from_db()
    assert order.state == OrderState.SUBMITTED and order.number is None


def test_the_partner_drafts_and_submits_and_finance_issues_through_the_pages(
    world, billing_year, users, client_for, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0))
    open_period(billing_year.fiscal_year)
    grid_line = unit_price(billing_year.fiscal_year)
    partner = client_for("partner_a")
    page = partner.get(reverse("billing:order_create"))
    assert page.status_code == 200 and "Stockage supplémentaire" in page.text
    data = {
        "tenant": world.tenant_a.pk,
        "reason": "Extension",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-tariff_line": grid_line.pk,
        "lines-0-quantity": "1,5",
        "lines-1-label": "Formation des agents",
        "lines-1-quantity": "2",
    }
    response = partner.post(reverse("billing:order_create"), data)
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert [line.amount for line in order.lines.order_by("position")] == [Decimal("630.00"), None]
    response = partner.post(reverse("billing:order_submit", args=[order.pk]), {})
    assert response.status_code == 302
    free = order.lines.get(tariff_line=None)
    finance = client_for("finance")
    response = finance.post(
        reverse("billing:order_issue", args=[order.pk]),
        {"charge_on": "next", f"price_{free.pk}": "350,00"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.reference == "BC-2026-0001" and order.total == Decimal("1330.00")
    pdf = partner.get(reverse("billing:order_pdf", args=[order.pk]))
    assert pdf["Content-Type"] == "application/pdf" and "BC-2026-0001" in _text(pdf.content)


def test_a_bad_order_form_changes_nothing(world, billing_year, client_for, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 0))
    partner = client_for("partner_a")
    data = {
        "reason": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-quantity": "abc",
        "tenant": world.tenant_b.pk,
    }
    response = partner.post(reverse("billing:order_create"), data)
    assert response.status_code == 200
    assert not PurchaseOrder.objects.exists()
    data["lines-TOTAL_FORMS"] = "100000"  # the formset's bound, not the server's memory
    assert partner.post(reverse("billing:order_create"), data).status_code == 200
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize("role", ["finance", "partner_a"])
def test_the_order_pages_cost_the_same_queries_for_more_orders(
    role, world, billing_year, client_for
):
    fiscal_year = billing_year.fiscal_year
    client = client_for(role)

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    first = draft_order(world, fiscal_year)
    few = queries(reverse("billing:order_list")), queries(first.get_absolute_url())
    for _ in range(5):
        draft_order(world, fiscal_year, tenant=world.tenant_a)
    many = queries(reverse("billing:order_list")), queries(first.get_absolute_url())
    assert many == few
