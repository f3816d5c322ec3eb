"""`manage.py generate_consortium` at a tiny size: the counts asked for, shares summing to their
pools, titres numbered without a gap and frozen as the issuing service freezes them, votes that
the vote rules accept. Committed for real (`transactional_db`): on PostgreSQL the immutability
triggers and the sequences' commit check pass on every row the command writes.
"""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from accounts.models import User
from billing.generate_titres import drafts_in_bulk
from billing.models import AllocationRun, RunKind, Share
from billing.services import titres
from governance import selectors
from governance.models import Attendance, AttendanceStatus, Body, Decision, Meeting, Seat, Vote
from governance.services.votes import decision_tally
from partners.models import Consortium, Holding, Partner, Tenant
from titres.models import (
    Payment,
    RevenueTitle,
    TitreKind,
    TitreLine,
    TitreSequence,
    TitreSettings,
    TitreState,
)

SIZES = {
    "partners": 7,
    "tenants": 10,
    "shared": 3,
    "years": 2,
    "meetings": 3,
    "seats": 6,
    "partner_users": 2,
}


def test_generated_consortium(transactional_db):
    """One generation (it takes a while), every check on it; those that write come last."""
    call_command("generate_consortium", **SIZES, stdout=io.StringIO())
    generated = Consortium.objects.get()
    _counts_are_those_asked_for(generated)
    _every_run_shares_its_pools_exactly()
    _titres_are_numbered_gaplessly_and_add_up()
    _votes_are_those_the_vote_rules_accept()
    _titres_are_frozen_as_the_issuing_service_freezes_them()


def _counts_are_those_asked_for(generated):
    assert Partner.objects.count() == 7
    assert generated.coordinator.name.startswith("Département")
    assert Tenant.objects.count() == 10
    holders = Holding.objects.values("tenant").annotate(n=Count("pk"))
    assert sum(1 for row in holders if row["n"] > 1) == 3
    assert Holding.objects.filter(is_payer=True).count() == 10
    years = sorted(generated.fiscal_years.values_list("year", flat=True))
    assert years == [timezone.localdate().year - 1, timezone.localdate().year]
    assert AllocationRun.objects.filter(kind=RunKind.BUDGET).count() == 2
    assert AllocationRun.objects.filter(kind=RunKind.ACTUAL).count() == 1  # past years only
    assert Body.objects.count() == 2
    assert Seat.objects.count() == 2 * 6
    assert Meeting.objects.count() == 3
    assert Attendance.objects.count() == 3 * 6
    assert Meeting.objects.filter(minutes_closed_at__isnull=False).count() == 2  # the last open
    assert User.objects.count() == 3 + 2


def _every_run_shares_its_pools_exactly():
    for run in AllocationRun.objects.all():
        sums = dict(Share.objects.filter(run=run).values_list("pool_code").annotate(Sum("amount")))
        pools = {pool["code"]: Decimal(pool["amount"]) for pool in run.inputs["pools"]}
        assert sums == pools, run
        assert sum(pools.values()) == run.total


def _titres_are_numbered_gaplessly_and_add_up():
    issued = RevenueTitle.objects.filter(state=TitreState.ISSUED)
    assert issued.count() == RevenueTitle.objects.count() > 0
    for year in issued.values_list("exercise", flat=True).distinct():
        numbers = sorted(issued.filter(exercise=year).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
        sequence = TitreSequence.objects.get(year=year, kind="titre")
        assert sequence.last_number == len(numbers)
    for titre in issued.annotate(lines_total=Sum("lines__amount")):
        assert titre.total == titre.lines_total
    # Every share not borne by the coordinator is on one line of an annual titre.
    for run in AllocationRun.objects.filter(kind=RunKind.BUDGET):
        billed = run.shares.filter(borne_by_coordinator=False).exclude(amount=0)
        lines = TitreLine.objects.filter(titre__run=run)
        assert lines.count() == billed.count()
        assert lines.aggregate(s=Sum("amount"))["s"] == billed.aggregate(s=Sum("amount"))["s"]
        assert run.locked_at is not None
    payments = Payment.objects.values("titre").annotate(
        paid=Sum("amount"), total=Max("titre__total")
    )
    assert payments and all(row["paid"] <= row["total"] for row in payments)


def _titres_are_frozen_as_the_issuing_service_freezes_them():
    """A reduction issued by the service carries the same mentions as the generated titre."""
    original = RevenueTitle.objects.filter(state=TitreState.ISSUED).order_by("-exercise", "number")[
        0
    ]
    reduction = titres.titre_correct(
        original=original,
        kind=TitreKind.REDUCTION,
        amount=Decimal("1.00"),
        reason="Essai",
        issue_date=timezone.localdate(),
    )
    assert reduction.state == TitreState.ISSUED
    frozen, expected = original.snapshot, reduction.snapshot
    assert set(expected) - {"settlement"} == set(frozen)
    for key in set(frozen) - {"original", "batch_number"}:
        assert frozen[key] == expected[key], key


def _votes_are_those_the_vote_rules_accept():
    for meeting in Meeting.objects.all():
        for decision in Decision.objects.filter(item__meeting=meeting):
            voices = {
                voter.tenant.pk: {
                    (v.cast_by.pk, getattr(v.proxy_from, "pk", None)) for v in voter.voices
                }
                for voter in selectors.voters(meeting, decision)
                if voter.voices
            }
            cast = {
                vote.tenant_id: (vote.cast_by_id, vote.proxy_from_id)
                for vote in Vote.objects.filter(decision=decision)
            }
            assert set(cast) == set(voices)
            assert all(cast[tenant] in voices[tenant] for tenant in cast)
    proxies = defaultdict(int)
    for row in Attendance.objects.filter(status=AttendanceStatus.PROXY):
        assert row.proxy_to.attendances.get(meeting=row.meeting).status == AttendanceStatus.PRESENT
        proxies[row.meeting_id, row.proxy_to_id] += 1
    assert all(count == 1 for count in proxies.values())
    # The open meeting's outcomes are those the service counts.
    meeting = Meeting.objects.get(minutes_closed_at__isnull=True)
    fields = ("result", "votes_for", "votes_against", "abstentions", "base", "rule")
    for decision in Decision.objects.filter(item__meeting=meeting):
        stored = [getattr(decision, name) for name in fields]
        assert [getattr(decision_tally(decision=decision), name) for name in fields] == stored


@pytest.mark.django_db
def test_refused_in_a_database_that_has_a_consortium():
    Consortium.objects.create(name="Ligeris", short_name="Ligeris")
    with pytest.raises(CommandError, match="déjà un groupement"):
        call_command("generate_consortium", partners=3, tenants=3, shared=0)


@pytest.mark.django_db
def test_impossible_sizes_are_refused_in_french():
    with pytest.raises(CommandError) as refused:
        call_command("generate_consortium", partners=5, tenants=4, shared=4, seats=6)
    assert "tenants partagés" in str(refused.value)
    assert "un siège par partenaire" in str(refused.value)
    assert not Consortium.objects.exists()


def _drafts(batch) -> list[tuple]:
    return [
        (
            titre.debtor_id,
            titre.tenant_id,
            titre.run_id,
            titre.kind,
            titre.object,
            titre.total,
            titre.below_threshold,
            [(ln.position, ln.label, ln.base, ln.amount, ln.share_id) for ln in titre.lines.all()],
        )
        for titre in batch.titres.order_by("pk").prefetch_related("lines")
    ]


def test_bulk_drafts_are_those_of_the_service(transactional_db):
    """The generator's drafts of a run, against `drafts_from_run`'s of the same run."""
    sizes = {"partners": 6, "tenants": 9, "shared": 3, "years": 1, "meetings": 0, "seats": 0}
    call_command("generate_consortium", **sizes, titres=False, stdout=io.StringIO())
    run = AllocationRun.objects.get()
    threshold = TitreSettings.objects.get().recovery_threshold
    day = timezone.localdate()
    with transaction.atomic():
        batch, _skipped = titres.drafts_from_run(run=run, issue_date=day)
        expected = _drafts(batch)
        transaction.set_rollback(True)
    generated = _drafts(drafts_in_bulk(run=run, issue_date=day, threshold=threshold))
    # One per tenant but those the coordinator pays (its first and maybe more).
    assert 5 <= len(generated) <= 8
    assert generated == expected
