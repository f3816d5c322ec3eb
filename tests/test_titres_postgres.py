"""Titres on PostgreSQL: numbering under concurrent issuing, raw SQL refused by the triggers,
payments racing on one titre.

The threads each open their own connection and commit for real (`transactional_db`).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from billing.models import AllocationRun, RunKind
from billing.services import grids, runs, titres
from tests.conftest import ON_POSTGRES
from tests.pes_fixtures import annual_batch, export
from tests.races import race
from tests.titre_fixtures import ISSUE_DATE, TitreRows, issued, settings_for, specific_run
from titres.models import (
    Payment,
    PesExport,
    RevenueTitle,
    TitreBatch,
    TitreLine,
    TitreSequence,
    TitreState,
)
from titres.tasks import render_missing

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not ON_POSTGRES, reason="row locks and triggers are PostgreSQL's (the PostgreSQL half)"
    ),
]

ISSUINGS = 100
ROLLED_BACK = set(range(3, ISSUINGS, 10))  # 10 of them


class ForcedRollback(Exception):
    pass


def _race(count: int, work) -> list[str]:
    return race(count, work, timeout=120)


def _drafts(world, count: int) -> TitreBatch:
    """A batch in preparation with `count` drafts to partner A (rows only: what is raced is
    the numbering)."""
    settings_for(world)
    fiscal_year = grids.fiscal_year_create(consortium=world.consortium, year=2026)
    batch = TitreBatch.objects.create(fiscal_year=fiscal_year, issue_date=ISSUE_DATE)
    for index in range(count):
        titre = RevenueTitle.objects.create(
            consortium=world.consortium,
            fiscal_year=fiscal_year,
            batch=batch,
            kind="specific",
            debtor=world.partner_a,
            tenant=world.tenant_a,
            object=f"Prestation {index}",
            total=Decimal("100.00"),
        )
        TitreLine.objects.create(
            titre=titre, position=1, label="Prestation", base="forfait", amount=titre.total
        )
    return batch


def test_a_hundred_concurrent_issuings_number_one_to_ninety_without_gap(transactional_db, world):
    batch = _drafts(world, ISSUINGS)
    pks = list(batch.titres.order_by("pk").values_list("pk", flat=True))

    def issue(index, barrier):
        titre = RevenueTitle.objects.get(pk=pks[index])  # connected before the start
        barrier.wait(timeout=60)
        with transaction.atomic():
            titres.titre_issue(titre=titre)
            if index in ROLLED_BACK:
                raise ForcedRollback

    outcomes = _race(ISSUINGS, issue)

    assert outcomes.count("ok") == ISSUINGS - len(ROLLED_BACK)
    assert {outcomes[i] for i in ROLLED_BACK} == {"ForcedRollback"}
    numbers = sorted(
        RevenueTitle.objects.filter(state=TitreState.ISSUED).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 91))
    sequence = TitreSequence.objects.get(consortium=world.consortium, year=2026, kind="titre")
    assert sequence.last_number == 90
    rolled_back = RevenueTitle.objects.filter(pk__in=[pks[i] for i in ROLLED_BACK])
    assert set(rolled_back.values_list("state", "number")) == {(TitreState.DRAFT, None)}


def test_concurrent_payments_never_exceed_the_balance(transactional_db, world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)  # 5 839,03 €
    amount = Decimal("1000.00")

    def pay(index, barrier):
        barrier.wait(timeout=30)
        titres.payment_record(
            titre=titre, paid_on=datetime.date(2026, 2, 2), amount=amount, reference=f"P{index}"
        )

    outcomes = _race(8, pay)

    assert outcomes.count("ok") == 5
    assert set(outcomes) == {"ok", "ValidationError"}
    paid = sum(Payment.objects.filter(titre=titre).values_list("amount", flat=True))
    assert paid == Decimal("5000.00") <= titre.total


def test_concurrent_cancellations_cancel_once(transactional_db, world, issued_batch):
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)

    def cancel(index, barrier):
        barrier.wait(timeout=30)
        titres.titre_correct(
            original=original,
            kind="cancellation",
            reason=f"Erreur {index}",
            issue_date=datetime.date(2026, 2, 2),
        )

    outcomes = _race(4, cancel)

    assert sorted(outcomes) == ["ValidationError"] * 3 + ["ok"]
    (cancellation,) = RevenueTitle.objects.filter(original=original)
    assert cancellation.total == original.total and cancellation.number == 5
    assert TitreSequence.objects.get(year=2026, kind="titre").last_number == 5
    assert TitreSequence.objects.get(year=2026, kind="batch").last_number == 2


def test_two_budget_runs_drafted_at_once_bill_the_year_once(transactional_db, world, billing_year):
    settings_for(world)
    fiscal_year = billing_year.fiscal_year
    versions = [runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET) for _ in range(2)]

    # drafts_from_run locks the run with its fiscal year (joined): the second waits, then sees
    # the first one's annual titres.
    def draft(index, barrier):
        run = AllocationRun.objects.get(pk=versions[index].pk)
        barrier.wait(timeout=30)
        titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)

    outcomes = _race(2, draft)

    assert sorted(outcomes) == ["ValidationError", "ok"]
    assert RevenueTitle.objects.filter(kind="annual").count() == 4
    assert TitreBatch.objects.count() == 1


# --- Raw SQL -------------------------------------------------------------------------------------


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


def test_database_refuses_raw_sql_on_an_issued_titre_and_its_lines(world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    line = titre.lines.first()
    statements = [
        ("UPDATE billing_revenuetitle SET total = 1 WHERE id = %s", [titre.pk]),
        ("UPDATE billing_revenuetitle SET state = 'draft' WHERE id = %s", [titre.pk]),
        ("DELETE FROM billing_revenuetitle WHERE id = %s", [titre.pk]),
        ("UPDATE billing_titreline SET amount = 1 WHERE id = %s", [line.pk]),
        ("DELETE FROM billing_titreline WHERE id = %s", [line.pk]),
        ("DELETE FROM billing_titreline WHERE titre_id = %s", [titre.pk]),
        (
            "INSERT INTO billing_titreline (titre_id, position, label, base, amount) "
            "VALUES (%s, 99, 'Ajout', '-', 10)",
            [titre.pk],
        ),
    ]
    _refused_by_the_database(statements, "Un titre émis ne se modifie ni ne se supprime")


def test_database_refuses_moving_a_line_in_or_out_of_an_issued_titre(
    world, issued_batch, billing_year
):
    run = specific_run(billing_year, {world.tenant_a: "300.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    draft = batch.titres.get()
    issued_titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    statements = [
        (
            "UPDATE billing_titreline SET titre_id = %s, position = 50 WHERE id = %s",
            [draft.pk, issued_titre.lines.first().pk],
        ),
        (
            "UPDATE billing_titreline SET titre_id = %s, position = 50 WHERE id = %s",
            [issued_titre.pk, draft.lines.first().pk],
        ),
    ]
    _refused_by_the_database(statements, "Un titre émis ne se modifie ni ne se supprime")


def test_database_refuses_raw_sql_on_documents_and_payments(world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    render_missing(issued_batch.pk)
    payment = titres.payment_record(
        titre=titre, paid_on=datetime.date(2026, 2, 2), amount=Decimal("100"), reference="P1"
    )
    document = titre.document
    statements = [
        ("UPDATE billing_titredocument SET sha256 = 'x' WHERE id = %s", [document.pk]),
        ("UPDATE billing_titredocument SET pdf = %s WHERE id = %s", [b"%PDF-1.7", document.pk]),
        ("DELETE FROM billing_titredocument WHERE id = %s", [document.pk]),
        ("UPDATE billing_payment SET amount = 1 WHERE id = %s", [payment.pk]),
        ("DELETE FROM billing_payment WHERE id = %s", [payment.pk]),
    ]
    _refused_by_the_database(statements, "Cet enregistrement est définitif")


def test_titre_pdfs_are_stored_without_compression(world, issued_batch):
    """Already compressed: PostgreSQL would spend its CPU trying (titres 0003)."""
    render_missing(issued_batch.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'billing_titredocument'::regclass AND attname = 'pdf'"
        )
        assert cursor.fetchone() == ("e",)  # EXTERNAL: out of line, never compressed
        cursor.execute("SELECT count(*) FROM billing_titredocument")
        assert cursor.fetchone()[0] > 0
        cursor.execute(
            "SELECT count(*) FROM billing_titredocument WHERE pg_column_compression(pdf) IS NOT NULL"
        )
        assert cursor.fetchone() == (0,)


def test_a_draft_can_still_be_changed_and_deleted_by_raw_sql(drafts):
    titre = drafts.titres.first()
    line = titre.lines.first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE billing_titreline SET label = 'Corrigé' WHERE id = %s", [line.pk])
        cursor.execute("UPDATE billing_revenuetitle SET total = 1 WHERE id = %s", [titre.pk])
        cursor.execute("DELETE FROM billing_titreline WHERE titre_id = %s", [titre.pk])
        cursor.execute("DELETE FROM billing_revenuetitle WHERE id = %s", [titre.pk])
    assert not RevenueTitle.objects.filter(pk=titre.pk).exists()
    assert drafts.titres.count() == 3


def test_issuing_through_the_services_passes_the_triggers(world, issued_batch):
    """The issuing service writes a draft's row once, as issued: the triggers let it through."""
    assert [t.number for t in issued(issued_batch)] == [1, 2, 3, 4]


def test_a_pes_export_record_refuses_raw_sql(world, billing_year):
    batch = annual_batch(world, billing_year)
    export(batch)
    record = PesExport.objects.get()
    for statement in (
        "UPDATE billing_pesexport SET sha256 = 'x' WHERE id = %s",
        "DELETE FROM billing_pesexport WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [record.pk])
    assert PesExport.objects.get().sha256 == record.sha256
