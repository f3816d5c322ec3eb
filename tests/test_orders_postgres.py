"""Purchase orders on PostgreSQL: numbering under concurrent issuing (gapless, a rolled-back
issue gives its number back), raw SQL on a final order refused by the triggers."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import OrderState, PurchaseOrder, PurchaseOrderLine
from billing.services import order_review
from tests.conftest import ON_POSTGRES
from tests.order_fixtures import IN_PERIOD, draft_order, issued_order, submitted_order
from tests.races import race
from titres.models import TitreSequence

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="row locks and triggers are PostgreSQL's (the PostgreSQL half)"
    ),
]

ISSUINGS = 12
ROLLED_BACK = {3, 8}


class ForcedRollback(Exception):
    pass


def _race(count: int, work) -> list[str]:
    return race(count, work, timeout=300)


def test_concurrent_issuings_number_orders_without_gap(transactional_db, world, billing_year):
    fiscal_year = billing_year.fiscal_year
    partners = (world.partner_a, world.partner_b)
    orders = [submitted_order(world, fiscal_year, partners[i % 2]) for i in range(ISSUINGS)]
    prices = {
        order.pk: {order.lines.get(tariff_line=None).pk: Decimal("100.00")} for order in orders
    }

    def issue(index, barrier):
        order = PurchaseOrder.objects.get(pk=orders[index].pk)  # connected before the start
        barrier.wait(timeout=60)
        with transaction.atomic():
            order_review.order_issue(order=order, prices=prices[order.pk], today=IN_PERIOD)
            if index in ROLLED_BACK:
                raise ForcedRollback

    outcomes = _race(ISSUINGS, issue)

    assert outcomes.count("ok") == ISSUINGS - len(ROLLED_BACK)
    assert {outcomes[i] for i in ROLLED_BACK} == {"ForcedRollback"}
    issued = PurchaseOrder.objects.filter(state=OrderState.ISSUED)
    assert sorted(issued.values_list("number", flat=True)) == list(range(1, 11))
    assert TitreSequence.objects.get(kind="order", year=2026).last_number == 10
    # Each issued order has its own charge; the rolled-back ones left none behind.
    assert fiscal_year.pools.filter(category="order").count() == 10
    rolled_back = PurchaseOrder.objects.filter(pk__in=[orders[i].pk for i in ROLLED_BACK])
    assert set(rolled_back.values_list("state", "number")) == {(OrderState.SUBMITTED, None)}


def _rows():
    return (
        list(PurchaseOrder.objects.order_by("pk").values_list()),
        list(PurchaseOrderLine.objects.order_by("pk").values_list()),
    )


def _refused(statements, message: str) -> None:
    before = _rows()
    for sql, params in statements:
        with (
            pytest.raises(IntegrityError, match=message),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(sql, params)
    assert _rows() == before


def test_database_refuses_raw_sql_on_an_issued_order_and_its_lines(world, billing_year):
    order = issued_order(world, billing_year.fiscal_year)
    line = order.lines.first()
    _refused(
        [
            ("UPDATE billing_purchaseorder SET reason = 'Autre' WHERE id = %s", [order.pk]),
            ("UPDATE billing_purchaseorder SET state = 'submitted' WHERE id = %s", [order.pk]),
            ("DELETE FROM billing_purchaseorder WHERE id = %s", [order.pk]),
            ("UPDATE billing_purchaseorderline SET quantity = 9 WHERE id = %s", [line.pk]),
            ("DELETE FROM billing_purchaseorderline WHERE id = %s", [line.pk]),
            (
                "INSERT INTO billing_purchaseorderline (order_id, position, label, unit, quantity) "
                "VALUES (%s, 99, 'Ajout', '', 1)",
                [order.pk],
            ),
            ("TRUNCATE billing_purchaseorderline CASCADE", None),
        ],
        "ne se modifie ni ne se supprime|ne se vide pas",
    )


def test_database_gives_numbers_by_issuing_only(world, billing_year):
    fiscal_year = billing_year.fiscal_year
    issued_order(world, fiscal_year)  # number 1
    draft = draft_order(world, fiscal_year)
    _refused(
        [
            (
                "UPDATE billing_purchaseorder SET state = 'issued', number = 2, "
                "issued_on = '2026-03-10', total = 1, charge_on = 'next', pdf_sha256 = 'x' "
                "WHERE id = %s",
                [draft.pk],
            ),
        ],
        "se donne à l'émission seulement",
    )
    _refused(
        [
            (
                "UPDATE billing_titresequence SET last_number = last_number + 1 "
                "WHERE kind = 'order'",
                None,
            )
        ],
        "n'avance que par l'émission",
    )


def test_a_draft_still_changes_by_raw_sql(world, billing_year):
    draft = draft_order(world, billing_year.fiscal_year)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE billing_purchaseorder SET reason = 'x' WHERE id = %s", [draft.pk])
        cursor.execute("DELETE FROM billing_purchaseorderline WHERE order_id = %s", [draft.pk])
    assert not draft.lines.exists()
