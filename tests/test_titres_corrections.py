"""Corrections as a public accountant takes them: the demo's true-up reproduced, reductions line
by line (never negative, never below what remains of a line), one net titre per debtor when the
consortium chooses it, a penalty passed on by a specific run, carry-overs onto the next titres.

Runs on SQLite and on PostgreSQL (where the triggers of migration 0005 check the lines again).
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import AllocationKey, CostPool, Expense, PoolCategory, RunKind, SpreadOn
from billing.services import costs, runs, titres
from tests.billing_fixtures import record_actuals
from tests.titre_fixtures import issued, settings_for, specific_run, twenty_drafts
from titres import titre_selectors
from titres.models import (
    Carryover,
    FiscalYear,
    RevenueTitle,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreState,
)
from titres.remaining import carryovers_pending

TRUEUP_DAY = datetime.date(2026, 6, 30)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def _held(line: TitreLine) -> Decimal:
    """What issued corrections already took from `line`."""
    return line.reductions.filter(titre__state=TitreState.ISSUED).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)


def assert_sound(batch: TitreBatch) -> None:
    """No line negative (but a carry-over deducted); a reduction only reduces lines of the titre
    it names, each within what remains of it, and carries no new charge."""
    for titre in batch.titres.exclude(state=TitreState.WAIVED):
        lines = list(titre.lines.select_related("reduces__titre"))
        assert titre.total == sum(line.amount for line in lines) >= 0
        for line in lines:
            if line.carryover_id is None:
                assert line.amount > 0, line
            if titre.kind == TitreKind.REDUCTION:
                assert line.reduces is not None and line.reduces.titre == titre.original
                assert line.amount <= line.reduces.amount - _held(line.reduces) + (
                    line.amount if titre.state == TitreState.ISSUED else 0
                )
            else:
                assert line.reduces is None


# --- The demo's true-up -------------------------------------------------------------------------


@pytest.fixture
def demo(db):
    """The demo consortium of `make run`: the 2026 annual batch issued, paid (Blois half,
    Chartres not at all), a reduction; then the year-end actual run."""
    with override_settings(EMAIL_BACKEND=LOCMEM):
        call_command("load_demo", stdout=io.StringIO())
    fiscal_year = FiscalYear.objects.get(year=2026)
    runs.run_create(fiscal_year=fiscal_year, kind=RunKind.ACTUAL)
    return fiscal_year


def _of(batch: TitreBatch, short_name: str) -> dict[str, RevenueTitle]:
    return {t.kind: t for t in batch.titres.filter(debtor__short_name=short_name)}


def test_the_demo_trueup_gives_cher_a_complementary_titre_and_a_reduction(demo):
    batch, notes = titres.drafts_from_trueup(fiscal_year=demo, issue_date=TRUEUP_DAY)
    assert notes == []
    cher = _of(batch, "Cher")
    assert set(cher) == {TitreKind.ADDITIONAL, TitreKind.REDUCTION}
    # The training, billed to the Cher alone and never budgeted: a complementary titre.
    training = cher[TitreKind.ADDITIONAL]
    assert training.total == Decimal("1800.00") and training.original is None
    assert [(line.label, line.amount) for line in training.lines.all()] == [
        ("Formation complémentaire pour le Cher — Cher", Decimal("1800.00"))
    ]
    # The rest (hosting and staff time cheaper, the penalty passed on): a reduction of the
    # Cher's annual titre, each line naming the line it reduces.
    reduction = cher[TitreKind.REDUCTION]
    annual = RevenueTitle.objects.get(
        kind=TitreKind.ANNUAL, debtor__short_name="Cher", state=TitreState.ISSUED
    )
    assert (annual.reference, annual.total) == ("2026-00010", Decimal("15275.46"))
    assert reduction.original == annual
    assert reduction.object == "Réduction du titre n° 2026-00010 (régularisation 2026)"
    heb = "Hébergement, infogérance et maintenance — cd18"
    assert [
        (line.label, line.amount, line.reduces.label)
        for line in reduction.lines.select_related("reduces")
    ] == [
        (heb, Decimal("3669.23"), heb),
        ("Pénalité de retard du prestataire d'hébergement — cd18", Decimal("184.62"), heb),
        (
            "Temps RH du coordonnateur — cd18",
            Decimal("1781.54"),
            "Temps RH du coordonnateur — cd18",
        ),
        (
            "Stockage (volumétrie au 1er janvier) — cd18",
            Decimal("1696.60"),
            "Stockage (volumétrie au 1er janvier) — cd18",
        ),
    ]
    assert reduction.total == Decimal("7331.99")
    penalty = reduction.lines.get(label__startswith="Pénalité")
    assert penalty.base == (
        "facturé 0,00\u00a0€, réel -184,62\u00a0€ ; imputé sur la ligne « " + heb + " »"
    )
    # Never a titre for the coordinator's own shares; every draft is sound.
    assert not batch.titres.filter(debtor__short_name="Indre-et-Loire").exists()
    assert_sound(batch)
    assert not TitreLine.objects.filter(titre__batch=batch, amount__lte=0).exists()

    titres.batch_issue(batch=batch)
    assert_sound(batch)
    assert titre_selectors.balance_of(annual).net == Decimal("15275.46") - Decimal("7331.99")
    # Tours had paid its annual titre in full: its reduction leaves a trop-perçu to refund.
    tours = RevenueTitle.objects.get(kind=TitreKind.ANNUAL, debtor__short_name="Tours")
    assert titre_selectors.balance_of(tours).to_refund == Decimal("9236.92")


def test_the_demo_trueup_page_shows_each_debtors_titres(demo, client_for):
    page = client_for("admin").get(reverse("billing:trueup", args=[2026]))
    plans = {plan.recipient: plan for plan in page.context["plans"]}
    cher = plans["cd18"]
    assert (cher.charges_total, cher.reductions_total, cher.net) == (
        Decimal("1800.00"),
        Decimal("7331.99"),
        Decimal("-5531.99"),
    )
    assert "cd37" not in plans  # the coordinator's own tenant
    html = page.text
    assert "Parts du coordonnateur : à sa charge, aucun titre" in html
    row = html[html.index('data-recipient="cd18"') :]
    row = row[: row.index("</tr>")]
    for amount in ("1\u202f800,00\u00a0€", "7\u202f331,99\u00a0€", "-5\u202f531,99\u00a0€"):
        assert amount in row
    assert "du titre n° 2026-00010" in row


def test_one_net_titre_per_debtor_without_mixed_lines(demo):
    settings_for_demo = titre_selectors.settings_of(demo.consortium)
    titres.settings_save(
        consortium=demo.consortium,
        **{
            field.name: getattr(settings_for_demo, field.name)
            for field in settings_for_demo._meta.concrete_fields
            if field.name not in ("id", "consortium")
        }
        | {"one_net_titre_per_debtor": True},
    )
    batch, _notes = titres.drafts_from_trueup(fiscal_year=demo, issue_date=TRUEUP_DAY)
    by_recipient: dict[tuple, list[RevenueTitle]] = {}
    for titre in batch.titres.all():
        by_recipient.setdefault((titre.debtor_id, titre.tenant_id), []).append(titre)
    assert all(len(group) == 1 for group in by_recipient.values())
    for titre in batch.titres.all():
        reducing = {line.reduces_id is not None for line in titre.lines.all()}
        assert reducing == {titre.kind == TitreKind.REDUCTION}  # never mixed
    # The Cher: the training offset against what it is owed, one reduction of the difference.
    (cher,) = _of(batch, "Cher").values()
    assert cher.kind == TitreKind.REDUCTION and cher.total == Decimal("5531.99")
    lines = list(cher.lines.all())
    assert sum(line.amount for line in lines) == Decimal("5531.99")
    assert all("par compensation" in line.base for line in lines)
    assert_sound(batch)
    titres.batch_issue(batch=batch)
    assert_sound(batch)


# --- Reductions line by line --------------------------------------------------------------------


def test_a_reduction_of_one_line_never_goes_below_what_remains_of_it(world, issued_batch):
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    heb = original.lines.get(label="Hébergement et maintenance — blois")  # 2 105,26 €
    day = datetime.date(2026, 2, 1)
    first = titres.titre_correct(
        original=original,
        kind=TitreKind.REDUCTION,
        amount=Decimal("2000.00"),
        line=heb,
        reason="Hébergement réduit",
        issue_date=day,
    )
    assert [(line.reduces, line.amount) for line in first.lines.all()] == [
        (heb, Decimal("2000.00"))
    ]
    with pytest.raises(ValidationError) as info:
        titres.titre_correct(
            original=original,
            kind=TitreKind.REDUCTION,
            amount=Decimal("105.27"),
            line=heb,
            reason="Encore",
            issue_date=day,
        )
    assert info.value.message_dict["amount"] == [
        "La ligne « Hébergement et maintenance — blois » n'a plus que 105,26\u00a0€ à réduire."
    ]
    titres.titre_correct(
        original=original,
        kind=TitreKind.REDUCTION,
        amount=Decimal("105.26"),
        line=heb.pk,
        reason="Le reste de l'hébergement",
        issue_date=day,
    )
    # A cancellation then takes what remains of each other line, and nothing of this one.
    cancellation = titres.titre_correct(
        original=original, kind=TitreKind.CANCELLATION, reason="Retrait", issue_date=day
    )
    assert heb not in [line.reduces for line in cancellation.lines.all()]
    for line in original.lines.all():
        assert _held(line) == line.amount  # every line reduced to zero, none below
    assert titre_selectors.balance_of(original).net == 0


def test_a_line_of_another_titre_is_refused(world, issued_batch):
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    other = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_b).lines.first()
    with pytest.raises(ValidationError, match="n'est pas une ligne du titre corrigé"):
        titres.titre_correct(
            original=original,
            kind=TitreKind.REDUCTION,
            amount=Decimal("1"),
            line=other,
            reason="Erreur",
            issue_date=datetime.date(2026, 2, 1),
        )
    assert not RevenueTitle.objects.filter(original=original).exists()


def test_issuing_a_draft_reduction_beyond_a_line_already_reduced_is_refused(
    world, billing_year, issued_batch, budget_run
):
    """A true-up drafted, then the same line reduced by hand: the draft no longer fits."""
    record_actuals(billing_year, heb="8000", vol="14000", inst="1000", staff_until=TRUEUP_DAY)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    batch, _notes = titres.drafts_from_trueup(
        fiscal_year=billing_year.fiscal_year, issue_date=TRUEUP_DAY
    )
    draft = batch.titres.get(tenant=world.tenant_a, kind=TitreKind.REDUCTION)
    line = draft.lines.get(label="Hébergement et maintenance — blois")  # 421,05 € of 2 105,26 €
    titres.titre_correct(
        original=draft.original,
        kind=TitreKind.REDUCTION,
        amount=Decimal("2000.00"),
        line=line.reduces,
        reason="Remise",
        issue_date=TRUEUP_DAY,
    )
    with pytest.raises(ValidationError) as info:
        titres.batch_issue(batch=batch)
    assert "n'a plus que 105,26\u00a0€ à réduire" in " ".join(info.value.messages)
    assert batch.titres.filter(state=TitreState.ISSUED).count() == 0


# --- A penalty passed on by a specific run ------------------------------------------------------


def _penalty_run(year, amount: str = "-1000.00"):
    """A penalty received from the host (a negative invoice), spread per tenant on a specific
    run."""
    pool = costs.pool_save(
        pool=CostPool(fiscal_year=year.fiscal_year),
        code="penalite",
        label="Pénalité du prestataire",
        key=AllocationKey.PER_TENANT,
        category=PoolCategory.LITIGATION,
        spread_on=SpreadOn.SPECIFIC,
        budget_amount=Decimal(0),
    )
    costs.expense_save(
        expense=Expense(pool=pool),
        invoice_date=datetime.date(2026, 4, 30),
        vendor="Hébergeur SAE",
        reference="PEN-2026-01",
        amount=Decimal(amount),
    )
    return runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.SPECIFIC)


def test_a_negative_specific_run_reduces_the_years_annual_titres(world, billing_year, issued_batch):
    run = _penalty_run(billing_year)
    assert sum(s.amount for s in run.shares.all()) == Decimal("-1000.00")
    batch, notes = titres.drafts_from_run(run=run, issue_date=datetime.date(2026, 5, 4))
    assert notes == []
    annual = {t.tenant.code: t for t in issued(issued_batch)}
    reductions = {t.tenant.code: t for t in batch.titres.select_related("tenant", "original")}
    # −1 000 € on 57 tenant-months, to the cent; the coordinator's own share makes no titre.
    assert {code: t.total for code, t in reductions.items()} == {
        "agglo": Decimal("210.53"),
        "blaisois": Decimal("210.53"),
        "blois": Decimal("210.53"),
        "tours": Decimal("157.89"),
    }
    for code, reduction in reductions.items():
        assert reduction.kind == TitreKind.REDUCTION and reduction.run == run
        assert reduction.original == annual[code]
        assert reduction.object.startswith(f"Réduction du titre n° {annual[code].reference}")
        (line,) = reduction.lines.select_related("reduces")
        assert line.label == f"Pénalité du prestataire — {code}"
        # On the line of the annual titre with the most left: hosting.
        biggest = max(annual[code].lines.all(), key=lambda x: x.amount)
        assert line.reduces == biggest
    assert_sound(batch)
    titres.batch_issue(batch=batch)
    assert titre_selectors.balance_of(annual["tours"]).net == annual["tours"].total - Decimal(
        "157.89"
    )


def test_nothing_left_to_reduce_goes_on_the_next_titres(world, billing_year, issued_batch):
    blois = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    titres.titre_correct(
        original=blois,
        kind=TitreKind.CANCELLATION,
        reason="Titre émis sur le mauvais tenant",
        issue_date=datetime.date(2026, 2, 1),
    )
    batch, notes = titres.drafts_from_run(
        run=_penalty_run(billing_year), issue_date=datetime.date(2026, 5, 4)
    )
    assert notes == [
        "blois : 210,53\u00a0€ à déduire des prochains titres (plus rien à réduire sur le titre "
        f"n° {blois.reference})."
    ]
    assert not batch.titres.filter(tenant=world.tenant_a).exists()
    carried = Carryover.objects.get()
    assert (carried.debtor, carried.amount) == (world.partner_a, Decimal("210.53"))
    titres.batch_issue(batch=batch)
    # What the true-up page lists as to deduct from the next titres.
    pending = {p.carryover.pk: p.remaining for p in _pending(world)}
    assert pending == {carried.pk: Decimal("210.53")}
    # The next titre of Ville de Blois deducts it, by a line of its own. (The penalty passed
    # on, its invoice leaves the year's specific pools: a specific run takes them all.)
    costs.expense_delete(expense=Expense.objects.get(reference="PEN-2026-01"))
    later = specific_run(billing_year, {world.tenant_a: "500.00"})
    next_batch, _notes = titres.drafts_from_run(run=later, issue_date=datetime.date(2026, 6, 1))
    (titre,) = next_batch.titres.filter(debtor=world.partner_a)
    deduction = titre.lines.get(carryover=carried)
    assert deduction.amount == Decimal("-210.53")
    assert deduction.label.startswith("À déduire : ")
    assert titre.total == Decimal("289.47")
    assert _pending(world) == []
    # Dropping that batch gives the carry-over back; the batch that made it cannot be dropped.
    titres.batch_delete(batch=next_batch)
    assert [p.remaining for p in _pending(world)] == [Decimal("210.53")]
    with pytest.raises(ValidationError):
        carried.delete()


def _pending(world):
    return carryovers_pending(world.consortium)


def test_a_carryover_is_dropped_with_its_batch_in_preparation(world, billing_year, issued_batch):
    titres.titre_correct(
        original=RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a),
        kind=TitreKind.CANCELLATION,
        reason="Erreur",
        issue_date=datetime.date(2026, 2, 1),
    )
    run = _penalty_run(billing_year)
    batch, _notes = titres.drafts_from_run(run=run, issue_date=datetime.date(2026, 5, 4))
    assert Carryover.objects.filter(batch=batch).count() == 1
    titres.batch_delete(batch=batch)
    assert not Carryover.objects.exists()
    # Drawn up again, once.
    batch, _notes = titres.drafts_from_run(run=run, issue_date=datetime.date(2026, 5, 4))
    assert Carryover.objects.count() == 1
    with pytest.raises(ValidationError, match="déjà établis"):
        titres.drafts_from_run(run=run, issue_date=datetime.date(2026, 5, 4))


def test_settings_form_offers_the_net_titre_setting(world, titre_settings, client_for):
    page = client_for("finance").get(reverse("billing:titre_settings"))
    assert "un seul titre net par débiteur" in page.text.lower()
    assert settings_for(world).one_net_titre_per_debtor is False  # off by default


def test_the_trueup_page_reads_a_fixed_number_of_queries(world, billing_year, client_for):
    """Twenty debtors: the plans are read in bulk, never once per debtor."""
    batch = twenty_drafts(world, billing_year)
    titres.batch_issue(batch=batch)
    record_actuals(billing_year, heb="8000", vol="14000", inst="1000", staff_until=TRUEUP_DAY)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    client = client_for("finance")
    url = reverse("billing:trueup", args=[2026])
    client.get(url)  # sessions, permissions, caches warmed
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert len(page.context["plans"]) == 20
    assert len(queries) <= 20, [q["sql"][:120] for q in queries.captured_queries]
