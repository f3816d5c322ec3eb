"""Drafting and issuing in bulk: as many queries for 100 titres as for 10, the same titres as
one by one, the audit trail kept, and on PostgreSQL the numbers of a batch taken at once stay
gapless under concurrent issues.

On both databases (the PostgreSQL half of the last tests only there).
"""

import datetime
import threading
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from billing.models import AllocationRun, RunKind
from billing.services import grids, runs, titres
from tests.conftest import ON_POSTGRES
from tests.races import unscoped_thread
from tests.titre_fixtures import ISSUE_DATE, add_paying_partners, issued, settings_for
from titres.models import RevenueTitle, TitreBatch, TitreLine, TitreSequence, TitreState
from titres.services import common, issuing

pytestmark = pytest.mark.django_db


def _counts(year) -> dict:
    """Queries of drafting and of issuing the year's budget run, rolled back after."""
    with transaction.atomic():
        run = runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.BUDGET)
        with CaptureQueriesContext(connection) as drafting:
            batch, skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
        with CaptureQueriesContext(connection) as issuing:
            titres.batch_issue(batch=batch)
        counts = {
            "titres": batch.titres.filter(state=TitreState.ISSUED).count(),
            "drafting": len(drafting),
            "issuing": len(issuing),
            # The run's inputs (~0.9 MB at 3,000 tenants) are read once: by the audit trail
            # of its locking (django-auditlog reads the row whole), never per titre.
            "inputs read": [q["sql"][:60] for q in [*drafting, *issuing] if '"inputs"' in q["sql"]],
        }
        assert skipped == []
        transaction.set_rollback(True)
    return counts


def test_the_queries_do_not_grow_with_the_batch(world, billing_year):
    settings_for(world)
    _counts(billing_year)  # warm: the content types the audit trail caches
    # 5 tenants of `billing_year` (the coordinator's gets none) and 5 paying members more.
    add_paying_partners(world, 6)
    ten = _counts(billing_year)
    add_paying_partners(world, 90, first=6)
    hundred = _counts(billing_year)
    assert (ten["titres"], hundred["titres"]) == (10, 100)
    assert len(ten["inputs read"]) == len(hundred["inputs read"]) == 1, ten["inputs read"]
    assert ten == hundred | {"titres": 10}, (ten, hundred)


def _one_by_one(batch: TitreBatch) -> None:
    """Issued as the batch page did before issuing in bulk: the batch numbered, then each
    draft through the single-titre service, in the batch's order."""
    batch = TitreBatch.objects.get(pk=batch.pk)
    batch.number = common.next_number(batch.fiscal_year.consortium, 2026, "batch")
    batch.state, batch.issued_at = "issued", datetime.datetime.now(datetime.UTC)
    batch.save(update_fields=["number", "state", "issued_at"])
    drafts = issuing._drafts_to_issue(
        batch.titres.filter(state=TitreState.DRAFT).order_by("debtor__name", "tenant__code", "pk")
    )
    for titre in drafts:
        titres.titre_issue(titre=titre)


def _issued_rows(batch: TitreBatch) -> list:
    return [
        (t.number, t.debtor_id, t.tenant_id, t.total, t.issued_on, t.due_on, t.snapshot)
        for t in issued(batch)
    ]


def test_a_batch_issued_in_bulk_is_the_batch_issued_one_by_one(world, billing_year):
    settings_for(world)
    add_paying_partners(world, 6)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    rows = {}
    for how in ("bulk", "one by one"):
        with transaction.atomic():
            batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
            if how == "bulk":
                titres.batch_issue(batch=batch)
            else:
                _one_by_one(batch)
            rows[how] = _issued_rows(batch)
            transaction.set_rollback(True)
    assert len(rows["bulk"]) == 10
    assert rows["bulk"] == rows["one by one"]
    assert [row[0] for row in rows["bulk"]] == list(range(1, 11))


def test_each_titre_issued_in_bulk_has_its_audit_entry(world, drafts, users):
    user = users["finance"]
    with set_actor(user):  # as the middleware does for a request
        titres.batch_issue(batch=drafts, user=user)
    for titre in issued(drafts):
        entries = LogEntry.objects.get_for_object(titre).order_by("timestamp", "pk")
        created, updated = entries  # drafted, then issued
        assert created.action == LogEntry.Action.CREATE
        assert updated.action == LogEntry.Action.UPDATE
        assert updated.changes["state"] == ["draft", "issued"]
        assert updated.changes["number"] == ["None", str(titre.number)]
        assert "snapshot" not in updated.changes  # kept out of the audit entries
        assert updated.object_repr == str(titre)
        assert (created.actor, updated.actor) == (None, user)


def test_the_entry_of_a_drafted_titre_is_auditlogs_own_diff(world, drafts):
    """The bulk entries work out the absent side once per model: still auditlog's diff."""
    from auditlog.diff import model_instance_diff
    from django.conf import settings

    as_json = settings.AUDITLOG_STORE_JSON_CHANGES
    columns = {field.name for field in RevenueTitle._meta.concrete_fields}  # no reverse relation
    fields = list(LogEntry.objects.get_for_object(drafts.titres.first()).get().changes)
    assert {"kind", "total", "debtor", "object"} <= set(fields)
    for titre in drafts.titres.all():
        created = LogEntry.objects.get_for_object(titre).get()
        expected = model_instance_diff(None, titre, use_json_for_changes=as_json)
        assert created.changes == {
            name: list(pair) for name, pair in expected.items() if name in columns
        }


def test_a_failing_check_in_the_batch_issues_nothing(world, billing_year):
    settings_for(world)
    add_paying_partners(world, 3)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    earlier = TitreBatch.objects.create(
        fiscal_year=billing_year.fiscal_year, issue_date=ISSUE_DATE + datetime.timedelta(days=1)
    )
    late = RevenueTitle.objects.filter(batch=batch).order_by("pk").first()
    RevenueTitle.objects.filter(pk=late.pk).update(batch=earlier)
    titres.titre_issue(titre=late)  # issued on the 21st: the batch of the 20th comes too late
    with pytest.raises(ValidationError, match="déjà émis le 21/01/2026"):
        titres.batch_issue(batch=batch)
    assert not batch.titres.filter(state=TitreState.ISSUED).exists()
    assert TitreSequence.objects.get(kind="titre").last_number == 1
    assert AllocationRun.objects.get(pk=run.pk).locked_at is not None  # by the one issued


# --- PostgreSQL: the numbers of a batch at once, still gapless --------------------------------


def _row_drafts(world, count: int) -> TitreBatch:
    settings_for(world)
    fiscal_year = grids.fiscal_year_create(consortium=world.consortium, year=2026)
    batch = TitreBatch.objects.create(fiscal_year=fiscal_year, issue_date=ISSUE_DATE)
    drafts = RevenueTitle.objects.bulk_create(
        RevenueTitle(
            consortium=world.consortium,
            fiscal_year=fiscal_year,
            batch=batch,
            kind="specific",
            debtor=world.partner_a,
            tenant=world.tenant_a,
            object=f"Prestation {index}",
            total=Decimal("100.00"),
        )
        for index in range(count)
    )
    TitreLine.objects.bulk_create(
        TitreLine(titre=t, position=1, label="Prestation", base="forfait", amount=t.total)
        for t in drafts
    )
    return batch


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="the commit check is PostgreSQL's")
def test_a_number_skipped_in_a_batch_is_refused_at_commit(transactional_db, world):
    batch = _row_drafts(world, 2)
    first, second = batch.titres.order_by("pk")
    titres.titre_issue(titre=first)
    issue = (
        "UPDATE billing_revenuetitle SET state = 'issued', exercise = 2026, number = %s, "
        "issued_on = %s, due_on = %s WHERE id = %s"
    )
    with pytest.raises(IntegrityError) as refused, transaction.atomic(), connection.cursor() as c:
        # The sequence moved by two (as for a batch of two), one titre issued: number 2 skipped.
        c.execute("UPDATE billing_titresequence SET last_number = 3 WHERE kind = 'titre'")
        c.execute(issue, [3, ISSUE_DATE, ISSUE_DATE, second.pk])
    assert "mais 2 numéros seulement sont émis" in str(refused.value)
    assert RevenueTitle.objects.get(pk=second.pk).state == TitreState.DRAFT
    assert TitreSequence.objects.get(kind="titre").last_number == 1


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="row locks are PostgreSQL's")
def test_a_batch_raced_by_itself_and_by_single_issues_numbers_each_titre_once(
    transactional_db, world
):
    batch = _row_drafts(world, 30)
    singles = list(batch.titres.order_by("pk").values_list("pk", flat=True)[:10])
    count = 3 + len(singles)
    barrier = threading.Barrier(count)
    outcomes = [""] * count

    def work(index):
        try:
            target = (
                TitreBatch.objects.get(pk=batch.pk)
                if index < 3
                else RevenueTitle.objects.get(pk=singles[index - 3])
            )
            barrier.wait(timeout=60)
            if index < 3:
                titres.batch_issue(batch=target)
            else:
                titres.titre_issue(titre=target)
            outcomes[index] = "ok"
        except Exception as error:
            outcomes[index] = type(error).__name__
        finally:
            connection.close()

    threads = [unscoped_thread(work, i) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert outcomes[:3].count("ok") == 1, outcomes
    assert set(outcomes) <= {"ok", "ValidationError"}, outcomes
    numbers = sorted(
        RevenueTitle.objects.filter(state=TitreState.ISSUED).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 31))
    assert TitreSequence.objects.get(kind="titre").last_number == 30
    assert TitreSequence.objects.get(kind="batch").last_number == 1
