"""On PostgreSQL the database itself holds the correction rules (migration 0005), raw SQL included:
a reduction line names a line of the titre it corrects and never takes more than what remains of
it, when written and when issued; a refund stays within the trop-perçu; refunds, payment
reversals and carry-overs are final.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import RunKind
from billing.services import runs, titres
from tests.billing_fixtures import record_actuals
from tests.conftest import ON_POSTGRES
from tests.test_titres_corrections import _penalty_run
from tests.titre_fixtures import TitreRows
from titres.models import Carryover, PaymentReversal, Refund, RevenueTitle, TitreKind

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="triggers are PostgreSQL's (the PostgreSQL half)"),
]

DAY = datetime.date(2026, 6, 30)
INSERT_LINE = (
    "INSERT INTO billing_titreline (titre_id, position, label, base, amount, reduces_id) "
    "VALUES (%s, 99, 'Ajout', '', %s, %s)"
)


def _refused_by_the_database(statements, message: str) -> None:
    before = TitreRows.take()
    for sql, params in statements:
        with (
            pytest.raises(IntegrityError, match=message),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    assert TitreRows.take() == before


@pytest.fixture
def draft_reduction(world, billing_year, issued_batch, budget_run) -> RevenueTitle:
    """The true-up's reduction of Blois's annual titre, in preparation."""
    record_actuals(billing_year, heb="8000", vol="14000", inst="1000", staff_until=DAY)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    batch, _notes = titres.drafts_from_trueup(fiscal_year=billing_year.fiscal_year, issue_date=DAY)
    return batch.titres.get(tenant=world.tenant_a, kind=TitreKind.REDUCTION)


def test_a_reduction_line_names_a_line_of_its_original_within_what_remains(
    world, issued_batch, draft_reduction
):
    line = draft_reduction.lines.get(label="Hébergement et maintenance — blois")  # 421,05 €
    reduced = line.reduces  # 2 105,26 €
    other_titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_b)
    charging_draft = draft_reduction.batch.titres.filter(kind=TitreKind.ADDITIONAL).first()
    _refused_by_the_database(
        [(INSERT_LINE, [draft_reduction.pk, Decimal("10"), None])], "jamais une charge nouvelle"
    )
    _refused_by_the_database(
        [(INSERT_LINE, [draft_reduction.pk, Decimal("10"), other_titre.lines.first().pk])],
        "ne réduit qu'une ligne du titre qu'elle corrige",
    )
    _refused_by_the_database(
        [
            (INSERT_LINE, [draft_reduction.pk, Decimal("2105.27"), reduced.pk]),
            ("UPDATE billing_titreline SET amount = 2105.27 WHERE id = %s", [line.pk]),
        ],
        "dépasse ce qui reste de la ligne",
    )
    _refused_by_the_database(
        [("UPDATE billing_titreline SET amount = -1 WHERE id = %s", [line.pk])],
        "titre_line_reduction_positive",
    )
    _refused_by_the_database(
        [(INSERT_LINE, [charging_draft.pk, Decimal("10"), reduced.pk])],
        "Seul un titre de réduction ou d'annulation réduit une ligne",
    )
    # Up to what remains is fine (the draft can still change).
    with connection.cursor() as cursor:
        cursor.execute("UPDATE billing_titreline SET amount = 2105.26 WHERE id = %s", [line.pk])


def test_issuing_a_reduction_beyond_what_remains_is_refused_by_the_database(draft_reduction):
    line = draft_reduction.lines.get(label="Hébergement et maintenance — blois")
    titres.titre_correct(
        original=draft_reduction.original,
        kind=TitreKind.REDUCTION,
        amount=Decimal("2000.00"),
        line=line.reduces,
        reason="Remise",
        issue_date=DAY,
    )
    _refused_by_the_database(
        [
            (
                "UPDATE billing_revenuetitle SET state = 'issued', exercise = 2026, number = 99, "
                "issued_on = %s, due_on = %s WHERE id = %s",
                [DAY, DAY, draft_reduction.pk],
            )
        ],
        "ne réduit une ligne que de ce qui en reste",
    )


def test_refunds_reversals_and_carryovers_are_final_in_the_database(
    world, billing_year, issued_batch
):
    blois = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    payment = titres.payment_record(
        titre=blois, paid_on=datetime.date(2026, 2, 5), amount=blois.total, reference="P1"
    )
    titres.titre_correct(
        original=blois,
        kind=TitreKind.REDUCTION,
        amount=Decimal("100"),
        reason="Remise",
        issue_date=datetime.date(2026, 3, 2),
    )
    refund = titres.refund_record(
        titre=blois, mandate_number="M-1", paid_on=datetime.date(2026, 3, 5), amount=Decimal("60")
    )
    insert_refund = (
        "INSERT INTO billing_refund (titre_id, mandate_number, paid_on, amount, recorded_at) "
        "VALUES (%s, 'M-2', '2026-03-06', %s, now())"
    )
    _refused_by_the_database(
        [(insert_refund, [blois.pk, Decimal("40.01")])], "ne dépasse pas le trop-perçu"
    )
    with connection.cursor() as cursor:  # exactly what is left is fine
        cursor.execute(insert_refund, [blois.pk, Decimal("40.00")])
    reversal = titres.payment_reverse(
        payment=payment, reversed_on=datetime.date(2026, 3, 10), reason="Doublon"
    )
    _refused_by_the_database(
        [
            ("UPDATE billing_refund SET amount = 1 WHERE id = %s", [refund.pk]),
            ("DELETE FROM billing_refund WHERE id = %s", [refund.pk]),
            ("UPDATE billing_paymentreversal SET reason = 'x' WHERE id = %s", [reversal.pk]),
            ("DELETE FROM billing_paymentreversal WHERE id = %s", [reversal.pk]),
        ],
        "définitif",
    )
    assert Refund.objects.count() == 2 and PaymentReversal.objects.count() == 1

    # A carry-over: never changed; deleted only with its batch in preparation.
    titres.titre_correct(
        original=RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_b),
        kind=TitreKind.CANCELLATION,
        reason="Erreur",
        issue_date=datetime.date(2026, 3, 2),
    )
    batch, _notes = titres.drafts_from_run(
        run=_penalty_run(billing_year), issue_date=datetime.date(2026, 5, 4)
    )
    carried = Carryover.objects.get(batch=batch)
    _refused_by_the_database(
        [("UPDATE billing_carryover SET amount = 1 WHERE id = %s", [carried.pk])], "définitif"
    )
    titres.batch_issue(batch=batch)
    _refused_by_the_database(
        [("DELETE FROM billing_carryover WHERE id = %s", [carried.pk])], "définitif"
    )
