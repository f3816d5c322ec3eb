"""Titres de recette through the services: drafts, issuing, immutability, corrections, true-up,
payments, the overdue list and exclusion flags. Runs on SQLite and on PostgreSQL.

Every refusal is checked for its French message and for leaving every titre row as it was.
Dates are in 2026 and in the past; "today" is passed explicitly to the selectors that take it.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing import recap, selectors
from billing.models import AllocationRun, Expense, RunKind, StaffTime
from billing.services import costs, runs, titres
from partners import services as partner_services
from tests.billing_fixtures import record_actuals
from tests.factories import PartnerFactory
from tests.titre_fixtures import (
    ANNUAL_ORDER,
    ISSUE_DATE,
    TitreRows,
    issued,
    settings_for,
    specific_run,
)
from titres import titre_selectors
from titres.models import (
    Carryover,
    Payment,
    RevenueTitle,
    TitreBatch,
    TitreDocument,
    TitreKind,
    TitreLine,
    TitreSequence,
    TitreState,
)
from titres.money import ZERO, format_euros
from titres.tasks import render_missing

DUE_DATE = ISSUE_DATE + datetime.timedelta(days=30)
IMMUTABLE = "Un titre émis ne se modifie ni ne se supprime"
FINAL = "Cet enregistrement est définitif"


def refused(message: str, call, **kwargs) -> None:
    """`call(**kwargs)` raises a ValidationError saying `message`, and no titre row changed."""
    before = TitreRows.take()
    with pytest.raises(ValidationError) as info:
        call(**kwargs)
    said = " ".join(info.value.messages)
    assert message in said, said
    assert TitreRows.take() == before


def balance_of(titre: RevenueTitle) -> RevenueTitle:
    return titre_selectors.with_balance(RevenueTitle.objects.filter(pk=titre.pk)).get()


def by_recipient(batch: TitreBatch) -> dict[tuple[str, str | None], RevenueTitle]:
    return {
        (t.debtor.short_name, t.tenant.code if t.tenant else None): t
        for t in batch.titres.select_related("debtor", "tenant")
    }


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


# --- Drafts from a budget run -------------------------------------------------------------------


def test_drafts_one_titre_per_tenant_to_its_payer_none_to_the_coordinator(
    world, drafts, budget_run
):
    assert drafts.is_draft and drafts.number is None and drafts.issue_date == ISSUE_DATE
    titres_ = by_recipient(drafts)
    assert sorted(titres_) == sorted(ANNUAL_ORDER)
    # The shared tenant goes to its payer (B), not to its co-holder A.
    assert titres_[("Agglopolys", "blaisois")].debtor == world.partner_b
    assert not RevenueTitle.objects.filter(debtor=world.coordinator).exists()
    assert not RevenueTitle.objects.filter(tenant=world.tenant_coordinator).exists()
    for titre in titres_.values():
        assert titre.state == TitreState.DRAFT
        assert titre.kind == TitreKind.ANNUAL
        assert (titre.number, titre.exercise, titre.issued_on, titre.due_on) == (None,) * 4
        assert titre.reference == f"brouillon n° {titre.pk}"
        assert titre.run == budget_run
        assert titre.snapshot == {}
        assert "Participation 2026" in titre.object and titre.tenant.name in titre.object
        assert not titre.below_threshold


def test_draft_lines_are_the_shares_with_their_base_and_total_to_the_cent(
    world, drafts, budget_run
):
    titres_ = by_recipient(drafts)
    billed = budget_run.shares.filter(borne_by_coordinator=False)
    for (_debtor, code), titre in titres_.items():
        expected = set(billed.filter(tenant__code=code))
        if code in ("agglo", "blois"):  # the member's share rides on its first tenant's titre
            expected |= set(billed.filter(tenant=None, partner=titre.debtor))
        lines = list(titre.lines.select_related("share"))
        assert {line.share for line in lines} == expected
        assert [line.position for line in lines] == list(range(1, len(lines) + 1))
        for line in lines:
            share = line.share
            assert line.amount == share.amount
            assert line.base == f"{share.get_key_display()} : {share.base}"
            assert share.pool_label in line.label
        assert titre.total == sum(line.amount for line in lines)
        assert titre.total == sum(share.amount for share in expected)
    # Every share but the coordinator's is billed, exactly.
    assert sum(t.total for t in titres_.values()) == sum(s.amount for s in billed)
    coordinator = budget_run.shares.filter(borne_by_coordinator=True)
    assert sum(t.total for t in titres_.values()) + sum(s.amount for s in coordinator) == Decimal(
        "33000.00"
    )
    assert titres_[("Blois", "blois")].total == Decimal("5839.03")
    # Tenant lines first, the member's share last, on every database.
    labels = [line.label for line in titres_[("Blois", "blois")].lines.all()]
    assert labels[-1] == "Installation commune"


def test_a_member_paying_no_tenant_gets_its_own_titre_for_its_member_share(
    world, billing_year, titre_settings
):
    member = PartnerFactory(consortium=world.consortium, name="Commune de Vineuil")
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    titre = batch.titres.get(debtor=member)
    assert titre.tenant is None
    assert "part de membre" in titre.object
    (line,) = titre.lines.all()
    assert line.share.pool_code == "inst" and titre.total == Decimal("250.00")


def test_a_titre_under_the_threshold_is_flagged_and_stops_the_batch_until_decided(
    world, billing_year, titre_settings
):
    run = specific_run(billing_year, {world.tenant_a: "12.00", world.tenant_b: "800.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    small = batch.titres.get(tenant=world.tenant_a)
    large = batch.titres.get(tenant=world.tenant_b)
    assert small.kind == large.kind == TitreKind.SPECIFIC
    assert small.total == Decimal("12.00") and small.below_threshold
    assert not small.recovery_confirmed
    assert large.total == Decimal("800.00") and not large.below_threshold
    assert list(titre_selectors.undecided_below_threshold(batch)) == [small]

    refused(
        "Décidez d'abord pour les titres inférieurs au seuil de recouvrement",
        titres.batch_issue,
        batch=batch,
    )
    refused(
        "Ce titre est inférieur au seuil de recouvrement : décidez d'abord de l'émettre.",
        titres.titre_issue,
        titre=small,
    )

    waived = titres.titre_decide_recovery(titre=small, recover=False)
    assert waived.state == TitreState.WAIVED
    refused(
        "Ce titre n'est pas mis en recouvrement : décidez d'abord de l'émettre.",
        titres.titre_issue,
        titre=small,
    )
    titres.batch_issue(batch=batch)
    small.refresh_from_db()
    large.refresh_from_db()
    assert (small.state, small.number, small.exercise) == (TitreState.WAIVED, None, None)
    assert small.reference == f"brouillon n° {small.pk}"
    assert (large.state, large.reference) == (TitreState.ISSUED, "2026-00001")
    assert TitreSequence.objects.get(kind="titre", year=2026).last_number == 1


def test_a_titre_under_the_threshold_is_issued_when_recovery_is_decided(
    world, billing_year, titre_settings
):
    run = specific_run(billing_year, {world.tenant_a: "12.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    small = batch.titres.get()
    titres.titre_decide_recovery(titre=small, recover=False)
    refused("Aucun titre à émettre dans ce bordereau.", titres.batch_issue, batch=batch)
    # Waived, then decided after all: a draft again, confirmed.
    titres.titre_decide_recovery(titre=small, recover=True)
    titres.batch_issue(batch=batch)
    small.refresh_from_db()
    assert small.recovery_confirmed and small.reference == "2026-00001"


def test_a_changed_threshold_flags_accordingly(world, billing_year):
    settings_for(world, recovery_threshold=Decimal("5000.00"))
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    flagged = {code for (_d, code), t in by_recipient(batch).items() if t.below_threshold}
    assert flagged == {"tours"}  # 3 473,69 €; the others are above 5 000 €


def test_drafts_from_the_same_run_twice_are_refused(drafts, budget_run):
    refused(
        "Les titres de cette répartition sont déjà établis.",
        titres.drafts_from_run,
        run=budget_run,
        issue_date=ISSUE_DATE,
    )


def test_a_second_budget_run_cannot_bill_the_year_again(billing_year, drafts):
    again = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    refused(
        "Les titres annuels de l'exercice 2026 sont déjà établis.",
        titres.drafts_from_run,
        run=again,
        issue_date=ISSUE_DATE,
    )


def test_drafts_refused_without_settings_for_an_actual_run_or_a_future_date(
    world, billing_year, budget_run
):
    refused(
        "Renseignez d'abord les paramètres des titres",
        titres.drafts_from_run,
        run=budget_run,
        issue_date=ISSUE_DATE,
    )
    settings_for(world)
    refused(
        "La date d'émission ne peut pas être dans le futur.",
        titres.drafts_from_run,
        run=budget_run,
        issue_date=tomorrow(),
    )
    costs.staff_time_save(
        staff_time=StaffTime(pool=billing_year.rh),
        period_end=datetime.date(2026, 6, 30),
        days=Decimal(10),
    )
    actual = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    refused(
        "Une répartition réelle donne lieu à la régularisation",
        titres.drafts_from_run,
        run=actual,
        issue_date=ISSUE_DATE,
    )


def test_a_batch_in_preparation_can_be_deleted_and_made_again(drafts, budget_run):
    titres.batch_delete(batch=drafts)
    assert not TitreBatch.objects.exists()
    assert not RevenueTitle.objects.exists() and not TitreLine.objects.exists()
    batch, _skipped = titres.drafts_from_run(run=budget_run, issue_date=ISSUE_DATE)
    assert batch.titres.count() == 4


# --- Issuing ------------------------------------------------------------------------------------


def test_issuing_numbers_in_order_and_freezes_the_mentions(
    world, issued_batch, budget_run, billing_year
):
    titres_ = issued(issued_batch)
    assert [(t.debtor.short_name, t.tenant.code) for t in titres_] == ANNUAL_ORDER
    assert [t.number for t in titres_] == [1, 2, 3, 4]
    assert [t.reference for t in titres_] == [f"2026-0000{n}" for n in (1, 2, 3, 4)]
    for titre in titres_:
        assert titre.state == TitreState.ISSUED and titre.exercise == 2026
        assert titre.issued_on == ISSUE_DATE and titre.due_on == DUE_DATE
        assert titre.issued_at is not None
        snapshot = titre.snapshot
        assert snapshot["issuer"]["name"] == world.coordinator.name
        assert snapshot["issuer"]["siret"] == world.coordinator.siret
        assert snapshot["debtor"]["name"] == titre.debtor.name
        assert snapshot["debtor"]["siret"] == titre.debtor.siret
        assert snapshot["debtor"]["address"] == titre.debtor.address
        assert snapshot["debtor"]["email"] == titre.debtor.billing_email
        assert snapshot["tenant"] == {"code": titre.tenant.code, "name": titre.tenant.name}
        assert snapshot["signatory"]["last_name"] == "Paumier"
        assert snapshot["payment"]["iban"] == "FR7630001007941234567890185"
        assert snapshot["legal"]["grid_year"] == 2026 and snapshot["legal"]["article"] == "7"
        assert snapshot["batch_number"] == 1
        assert snapshot["original"] is None
    assert (issued_batch.state, issued_batch.number) == ("issued", 1)
    assert issued_batch.issued_at is not None
    sequences = dict(TitreSequence.objects.values_list("kind", "last_number"))
    assert sequences == {"titre": 4, "batch": 1}
    budget_run.refresh_from_db()
    assert budget_run.locked_at is not None
    billing_year.fiscal_year.grid.refresh_from_db()
    assert billing_year.fiscal_year.grid.frozen_at is not None
    assert selectors.billed_run(billing_year.fiscal_year) == budget_run


def test_the_snapshot_keeps_the_debtor_as_issued(world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    partner_services.partner_save(partner=world.partner_a, name="Ville de Blois (nouveau nom)")
    titre.refresh_from_db()
    assert titre.snapshot["debtor"]["name"] == "Ville de Blois"


def test_the_due_date_follows_the_payment_days_setting(world, billing_year):
    settings_for(world, payment_days=45)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    titres.batch_issue(batch=batch)
    assert {t.due_on for t in issued(batch)} == {datetime.date(2026, 3, 6)}


def test_a_second_batch_continues_the_numbering(world, billing_year, issued_batch):
    run = specific_run(billing_year, {world.tenant_a: "300.00", world.tenant_b: "200.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=datetime.date(2026, 2, 10))
    assert batch != issued_batch
    titres.batch_issue(batch=batch)
    assert [t.reference for t in issued(batch)] == ["2026-00005", "2026-00006"]
    batch.refresh_from_db()
    assert batch.number == 2
    assert TitreSequence.objects.get(kind="titre", year=2026).last_number == 6


def test_a_new_year_of_issue_restarts_at_one(world, billing_year, titre_settings, budget_run):
    # Billed in advance: the 2026 annual titres issued in December 2025.
    batch, _skipped = titres.drafts_from_run(run=budget_run, issue_date=datetime.date(2025, 12, 15))
    titres.batch_issue(batch=batch)
    assert [t.reference for t in issued(batch)] == [f"2025-0000{n}" for n in (1, 2, 3, 4)]
    assert {t.exercise for t in issued(batch)} == {2025}
    run = specific_run(billing_year, {world.tenant_a: "300.00"})
    second, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    titres.batch_issue(batch=second)
    assert [t.reference for t in issued(second)] == ["2026-00001"]
    batch.refresh_from_db()
    second.refresh_from_db()
    assert (batch.number, second.number) == (1, 1)
    sequences = set(TitreSequence.objects.values_list("year", "kind", "last_number"))
    assert sequences == {
        (2025, "titre", 4),
        (2025, "batch", 1),
        (2026, "titre", 1),
        (2026, "batch", 1),
    }


def test_issuing_twice_is_refused(issued_batch):
    refused("Ce bordereau est déjà émis.", titres.batch_issue, batch=issued_batch)
    refused("Ce titre est déjà émis.", titres.titre_issue, titre=issued_batch.titres.first())
    refused("Un bordereau émis ne se supprime pas.", titres.batch_delete, batch=issued_batch)
    refused(
        "Ce titre est déjà émis.",
        titres.titre_decide_recovery,
        titre=issued_batch.titres.first(),
        recover=False,
    )


def test_a_titre_above_the_threshold_is_always_recovered(drafts):
    above = drafts.titres.filter(below_threshold=False).first()
    refused(
        "Seul un titre inférieur au seuil de recouvrement peut ne pas être émis.",
        titres.titre_decide_recovery,
        titre=above,
        recover=False,
    )
    above.refresh_from_db()
    assert above.state == TitreState.DRAFT


def test_issuing_on_a_future_date_is_refused(drafts):
    TitreBatch.objects.filter(pk=drafts.pk).update(issue_date=tomorrow())
    drafts.refresh_from_db()
    refused("La date d'émission ne peut pas être dans le futur.", titres.batch_issue, batch=drafts)
    refused(
        "La date d'émission ne peut pas être dans le futur.",
        titres.titre_issue,
        titre=drafts.titres.first(),
    )


def test_issuing_before_the_last_titre_of_the_year_is_refused(world, billing_year, issued_batch):
    run = specific_run(billing_year, {world.tenant_a: "300.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=datetime.date(2026, 1, 10))
    refused(
        "Un titre de 2026 est déjà émis le 20/01/2026 : la date d'émission ne peut pas être "
        "antérieure.",
        titres.batch_issue,
        batch=batch,
    )
    # The same day is fine: numbers and dates still run together.
    TitreBatch.objects.filter(pk=batch.pk).update(issue_date=ISSUE_DATE)
    titres.batch_issue(batch=TitreBatch.objects.get(pk=batch.pk))
    assert [t.reference for t in issued(batch)] == ["2026-00005"]


def test_a_waived_titre_of_an_issued_batch_stays_out_of_it(world, billing_year, titre_settings):
    run = specific_run(billing_year, {world.tenant_a: "12.00", world.tenant_b: "800.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    small = batch.titres.get(tenant=world.tenant_a)
    titres.titre_decide_recovery(titre=small, recover=False)
    titres.batch_issue(batch=batch)
    # Recovering it now would leave a draft in a batch that is already issued, never sent.
    refused("Ce bordereau est déjà émis.", titres.titre_decide_recovery, titre=small, recover=True)


# --- Immutability through the ORM ---------------------------------------------------------------


def test_an_issued_titre_and_its_lines_refuse_save_and_delete(world, issued_batch, budget_run):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    line = titre.lines.first()
    before = TitreRows.take()

    titre.total = Decimal("1.00")
    with pytest.raises(ValidationError, match=IMMUTABLE):
        titre.save()
    with pytest.raises(ValidationError, match=IMMUTABLE):
        titre.delete()
    line.amount = Decimal("1.00")
    with pytest.raises(ValidationError, match=IMMUTABLE):
        line.save()
    with pytest.raises(ValidationError, match=IMMUTABLE):
        line.delete()
    extra = TitreLine(titre=titre, position=99, label="Ajout", base="-", amount=Decimal(5))
    with pytest.raises(ValidationError, match=IMMUTABLE):
        extra.save()
    assert TitreRows.take() == before


def test_a_line_cannot_be_moved_in_or_out_of_an_issued_titre(
    world, billing_year, issued_batch, budget_run
):
    run = specific_run(billing_year, {world.tenant_a: "300.00"})
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    draft = batch.titres.get()
    issued_titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    before = TitreRows.take()

    out_of_issued = issued_titre.lines.first()
    out_of_issued.titre = draft
    out_of_issued.position = 50
    with pytest.raises(ValidationError, match=IMMUTABLE):
        out_of_issued.save()
    into_issued = draft.lines.first()
    into_issued.titre = issued_titre
    into_issued.position = 50
    with pytest.raises(ValidationError, match=IMMUTABLE):
        into_issued.save()
    assert TitreRows.take() == before


def test_a_draft_titre_and_its_lines_can_still_change(drafts):
    titre = drafts.titres.first()
    line = titre.lines.first()
    line.label = "Libellé corrigé"
    line.save()
    titre.object = "Objet corrigé"
    titre.save()
    titre.delete()
    assert not RevenueTitle.objects.filter(pk=titre.pk).exists()
    assert not TitreLine.objects.filter(titre_id=titre.pk).exists()


def test_documents_and_payments_are_written_once(world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    render_missing(issued_batch.pk)
    document = TitreDocument.objects.get(titre=titre)
    payment = titres.payment_record(
        titre=titre, paid_on=datetime.date(2026, 2, 2), amount=Decimal("100"), reference="P1"
    )
    before = TitreRows.take()

    document.pdf = b"%PDF-1.7 autre chose"
    with pytest.raises(ValidationError, match=FINAL):
        document.save()
    with pytest.raises(ValidationError, match=FINAL):
        document.delete()
    payment.amount = Decimal("1.00")
    with pytest.raises(ValidationError, match=FINAL):
        payment.save()
    with pytest.raises(ValidationError, match=FINAL):
        payment.delete()
    assert TitreRows.take() == before
    assert bytes(TitreDocument.objects.get(pk=document.pk).pdf).startswith(b"%PDF")
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("100.00")


# --- Corrections --------------------------------------------------------------------------------


def test_a_cancellation_cancels_what_remains_with_its_own_number(world, issued_batch):
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    cancellation = titres.titre_correct(
        original=original,
        kind=TitreKind.CANCELLATION,
        reason="Titre émis sur le mauvais tenant",
        issue_date=datetime.date(2026, 2, 1),
    )
    assert cancellation.kind == TitreKind.CANCELLATION
    assert cancellation.state == TitreState.ISSUED
    assert cancellation.original == original
    assert cancellation.total == original.total == Decimal("5839.03")
    assert cancellation.reference == "2026-00005"
    assert cancellation.debtor == original.debtor and cancellation.tenant == original.tenant
    assert cancellation.issued_on == cancellation.due_on == datetime.date(2026, 2, 1)
    assert cancellation.batch != issued_batch
    assert (cancellation.batch.state, cancellation.batch.number) == ("issued", 2)
    assert cancellation.snapshot["original"] == {
        "reference": "2026-00003",
        "issued_on": "2026-01-20",
        "total": "5839.03",
    }
    # Line by line: each line of the original cancelled for what remains of it.
    lines = list(cancellation.lines.select_related("reduces"))
    originals = list(original.lines.all())
    assert [line.reduces for line in lines] == originals
    assert [line.amount for line in lines] == [line.amount for line in originals]
    assert [line.label for line in lines] == [line.label for line in originals]
    heb = lines[0]
    assert heb.base == (
        "ligne initiale 2\u202f105,26\u00a0€, restant avant correction 2\u202f105,26\u00a0€"
    )
    assert cancellation.object == "Annulation du titre n° 2026-00003 du 20/01/2026"
    assert cancellation.reason == "Titre émis sur le mauvais tenant"

    original = balance_of(original)
    assert (original.corrected, original.net, original.balance) == (original.total, ZERO, ZERO)
    assert titre_selectors.status_of(original, today=ISSUE_DATE).code == "cancelled"
    assert titre_selectors.status_of(balance_of(cancellation)).code == "correction"


def test_a_partial_reduction_then_a_cancellation_of_the_rest(world, issued_batch):
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    reduction = titres.titre_correct(
        original=original,
        kind=TitreKind.REDUCTION,
        amount=Decimal("839.03"),
        reason="Tenant ouvert avec un mois de retard",
        issue_date=datetime.date(2026, 2, 1),
    )
    assert reduction.total == Decimal("839.03") and reduction.reference == "2026-00005"
    assert reduction.object.startswith("Réduction du titre n° 2026-00003")
    # Spread on the original's lines in proportion to each, to the cent, none beyond its line.
    parts = {line.reduces.label: line.amount for line in reduction.lines.select_related("reduces")}
    assert sum(parts.values()) == Decimal("839.03")
    lines = {line.label: line.amount for line in original.lines.all()}
    assert set(parts) == set(lines)
    for label, part in parts.items():
        assert abs(part - lines[label] * Decimal("839.03") / original.total) < Decimal("0.01")
    original = balance_of(original)
    assert (original.corrected, original.net, original.balance) == (
        Decimal("839.03"),
        Decimal("5000.00"),
        Decimal("5000.00"),
    )
    cancellation = titres.titre_correct(
        original=original,
        kind=TitreKind.CANCELLATION,
        reason="Retrait du partenaire",
        issue_date=datetime.date(2026, 2, 2),
    )
    assert cancellation.total == Decimal("5000.00") and cancellation.reference == "2026-00006"
    assert balance_of(original).net == ZERO


def test_corrections_that_would_go_below_zero_or_make_no_sense_are_refused(world, issued_batch):
    original = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    day = datetime.date(2026, 2, 1)
    common = {"original": original, "reason": "Erreur", "issue_date": day}
    remaining = "La réduction doit rester inférieure à 5\u202f839,03\u00a0€"
    refused(
        remaining, titres.titre_correct, kind=TitreKind.REDUCTION, amount=original.total, **common
    )
    refused(
        remaining, titres.titre_correct, kind=TitreKind.REDUCTION, amount=Decimal(9999), **common
    )
    refused(
        "Le montant de la réduction doit être positif.",
        titres.titre_correct,
        kind=TitreKind.REDUCTION,
        amount=Decimal("-5"),
        **common,
    )
    refused(
        "Indiquez le motif de la correction.",
        titres.titre_correct,
        original=original,
        kind=TitreKind.CANCELLATION,
        reason="  ",
        issue_date=day,
    )
    refused(
        "Une correction ne peut pas précéder le titre qu'elle corrige.",
        titres.titre_correct,
        original=original,
        kind=TitreKind.CANCELLATION,
        reason="Erreur",
        issue_date=datetime.date(2026, 1, 19),
    )
    refused(
        "La date d'émission ne peut pas être dans le futur.",
        titres.titre_correct,
        original=original,
        kind=TitreKind.CANCELLATION,
        reason="Erreur",
        issue_date=tomorrow(),
    )
    refused("Nature de correction inconnue.", titres.titre_correct, kind=TitreKind.ANNUAL, **common)

    cancellation = titres.titre_correct(kind=TitreKind.CANCELLATION, **common)
    refused(
        "Ce titre est déjà entièrement annulé.",
        titres.titre_correct,
        kind=TitreKind.CANCELLATION,
        **common,
    )
    refused(
        "Ce titre est déjà entièrement annulé.",
        titres.titre_correct,
        kind=TitreKind.REDUCTION,
        amount=Decimal(1),
        **common,
    )
    refused(
        "Seul un titre émis de paiement peut être annulé ou réduit.",
        titres.titre_correct,
        original=cancellation,
        kind=TitreKind.CANCELLATION,
        reason="Erreur",
        issue_date=day,
    )


def test_a_draft_cannot_be_corrected(drafts):
    refused(
        "Seul un titre émis de paiement peut être annulé ou réduit.",
        titres.titre_correct,
        original=drafts.titres.first(),
        kind=TitreKind.CANCELLATION,
        reason="Erreur",
        issue_date=ISSUE_DATE,
    )


def test_status_and_balance_through_payments_and_corrections(world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)  # 5 839,03 €
    before_due, after_due = datetime.date(2026, 2, 10), datetime.date(2026, 3, 1)

    def status(today=before_due):
        return titre_selectors.status_of(balance_of(titre), today=today).code

    assert status() == "due" and status(after_due) == "overdue"
    titres.payment_record(
        titre=titre, paid_on=datetime.date(2026, 2, 5), amount=Decimal("839.03"), reference="P1"
    )
    assert balance_of(titre).balance == Decimal("5000.00")
    assert status() == "partial" and status(after_due) == "overdue"
    titres.payment_record(
        titre=titre, paid_on=datetime.date(2026, 2, 9), amount=Decimal("5000"), reference="P2"
    )
    paid = balance_of(titre)
    assert (paid.paid, paid.balance) == (Decimal("5839.03"), ZERO)
    assert status() == "paid" and status(after_due) == "paid"
    # Reduced once paid: the debtor paid 500 € too much.
    titres.titre_correct(
        original=titre,
        kind=TitreKind.REDUCTION,
        amount=Decimal("500"),
        reason="Remise décidée par le COPIL",
        issue_date=datetime.date(2026, 3, 2),
    )
    overpaid = balance_of(titre)
    assert (overpaid.net, overpaid.balance) == (Decimal("5339.03"), Decimal("-500.00"))
    assert overpaid.to_refund == Decimal("500.00")
    assert titre_selectors.status_of(overpaid, today=after_due).code == "overpaid"
    assert titre not in titre_selectors.overdue(world.consortium, today=after_due)
    refused(
        "Rien n'est dû sur ce titre : il a un trop-perçu à rembourser (500,00\u00a0€).",
        titres.payment_record,
        titre=titre,
        paid_on=datetime.date(2026, 3, 2),
        amount=Decimal("1"),
        reference="P3",
    )


# --- True-up ------------------------------------------------------------------------------------


def _actuals(year, heb="8000", vol="14000", inst="1000") -> None:
    """By default hosting cheaper than budgeted, storage dearer, staff time and set-up as
    budgeted."""
    record_actuals(year, heb=heb, vol=vol, inst=inst, staff_until=datetime.date(2026, 6, 30))


def _sides(billed: AllocationRun, actual: AllocationRun) -> dict[str, dict[str, Decimal]]:
    """Per tenant (or member): the positive differences and the negative ones, apart."""
    sides: dict[str, dict[str, Decimal]] = {}
    for line in recap.true_up(billed, actual):
        if line.borne_by_coordinator or not line.difference:
            continue
        code = line.tenant.code if line.tenant else line.partner.short_name
        side = sides.setdefault(code, {TitreKind.ADDITIONAL: ZERO, TitreKind.REDUCTION: ZERO})
        kind = TitreKind.ADDITIONAL if line.difference > ZERO else TitreKind.REDUCTION
        side[kind] += abs(line.difference)
    return sides


def test_trueup_gives_additional_titres_and_reductions_of_the_annual_titre(
    world, billing_year, issued_batch, budget_run
):
    _actuals(billing_year)
    actual = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    sides = _sides(budget_run, actual)
    assert set(sides) == {"agglo", "blaisois", "blois", "tours"}  # no cd37, member shares equal
    day = datetime.date(2026, 6, 30)
    batch, notes = titres.drafts_from_trueup(fiscal_year=billing_year.fiscal_year, issue_date=day)
    assert notes == []
    trueup = {(t.tenant.code, t.kind): t for t in batch.titres.select_related("tenant", "original")}
    # Storage dearer, hosting cheaper: each tenant with both gets both titres.
    expected = {
        (code, kind) for code, side in sides.items() for kind, total in side.items() if total
    }
    assert set(trueup) == expected
    assert {kind for _code, kind in expected} == {TitreKind.ADDITIONAL, TitreKind.REDUCTION}
    annual = {t.tenant.code: t for t in issued(issued_batch)}
    for (code, kind), titre in trueup.items():
        assert titre.total == sides[code][kind] > ZERO
        lines = list(titre.lines.select_related("reduces"))
        assert titre.total == sum(line.amount for line in lines)
        assert all(line.amount > ZERO for line in lines)
        assert titre.run == actual and titre.state == TitreState.DRAFT
        assert titre.debtor == annual[code].debtor
        if kind == TitreKind.REDUCTION:
            assert titre.original == annual[code]
            assert annual[code].reference in titre.object
            # Each line reduces the line of the same pool on the annual titre, within it.
            for line in lines:
                assert line.reduces.titre == annual[code]
                assert line.reduces.label == line.label
                assert line.amount <= line.reduces.amount
        else:
            assert titre.original is None
            assert all(line.reduces is None for line in lines)
    # Per pool, the lines say what was billed and what it cost.
    heb = trueup[("blois", TitreKind.REDUCTION)].lines.get(
        label="Hébergement et maintenance — blois"
    )
    assert heb.base == "facturé 2\u202f105,26\u00a0€, réel 1\u202f684,21\u00a0€"
    assert heb.amount == Decimal("421.05")  # a reduction line, counted positive

    titres.batch_issue(batch=batch)
    assert len(issued(batch)) == len(expected)
    blois = balance_of(annual["blois"])
    assert blois.net == annual["blois"].total - sides["blois"][TitreKind.REDUCTION]
    actual.refresh_from_db()
    assert actual.locked_at is None  # an actual run is not a billed run

    refused(
        "La régularisation de cette répartition réelle est déjà établie.",
        titres.drafts_from_trueup,
        fiscal_year=billing_year.fiscal_year,
        issue_date=day,
    )


def test_a_member_share_reduced_alone_reduces_the_titre_that_carried_it(
    world, billing_year, issued_batch, budget_run
):
    """Set-up cheaper than budgeted, everything else as budgeted: only the members' shares of
    the common pool differ, and they rode on each member's first tenant titre."""
    _actuals(billing_year, heb="10000", vol="10000", inst="900")
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    batch, skipped = titres.drafts_from_trueup(
        fiscal_year=billing_year.fiscal_year, issue_date=datetime.date(2026, 6, 30)
    )
    assert skipped == []
    annual = {t.tenant.code: t for t in issued(issued_batch)}
    reductions = {t.tenant.code: t for t in batch.titres.select_related("tenant", "original")}
    assert set(reductions) == {"agglo", "blois"}
    assert reductions["blois"].original == annual["blois"]
    assert reductions["blois"].total == Decimal("33.33")
    assert reductions["agglo"].original == annual["agglo"]
    assert reductions["agglo"].total == Decimal("33.34")
    assert reductions["blois"].lines.get().label == "Installation commune — Blois"


def test_a_new_actual_run_does_not_bill_the_trueup_again(
    world, billing_year, issued_batch, budget_run
):
    _actuals(billing_year)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    day = datetime.date(2026, 6, 30)
    batch, _skipped = titres.drafts_from_trueup(
        fiscal_year=billing_year.fiscal_year, issue_date=day
    )
    titres.batch_issue(batch=batch)
    # A late invoice, a second version of the actual run: the differences to the budget run
    # would be billed a second time.
    costs.expense_save(
        expense=Expense(pool=billing_year.heb),
        invoice_date=datetime.date(2026, 7, 31),
        vendor="Prestataire SAE",
        contract_lot="Lot 1",
        reference="F-2026-002",
        amount=Decimal("50"),
    )
    second = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    assert second.version == 2
    refused(
        "La régularisation de l'exercice 2026 est déjà établie (répartition réelle n° 1)",
        titres.drafts_from_trueup,
        fiscal_year=billing_year.fiscal_year,
        issue_date=day,
    )


def test_trueup_refused_before_the_annual_titres_or_the_actual_run(
    world, billing_year, titre_settings, drafts
):
    fiscal_year = billing_year.fiscal_year
    refused(
        "Les titres annuels de l'exercice ne sont pas émis : rien à régulariser encore.",
        titres.drafts_from_trueup,
        fiscal_year=fiscal_year,
        issue_date=ISSUE_DATE,
    )
    titres.batch_issue(batch=drafts)
    refused(
        "Calculez d'abord la répartition réelle de l'exercice.",
        titres.drafts_from_trueup,
        fiscal_year=fiscal_year,
        issue_date=ISSUE_DATE,
    )


def test_a_trueup_reduction_without_an_issued_annual_titre_is_left_out(
    world, billing_year, titre_settings, budget_run
):
    # Tours is waived (under a threshold raised for the occasion), the others issued.
    settings_for(world, recovery_threshold=Decimal("5000.00"))
    batch, _skipped = titres.drafts_from_run(run=budget_run, issue_date=ISSUE_DATE)
    titres.titre_decide_recovery(titre=batch.titres.get(tenant=billing_year.tours), recover=False)
    titres.batch_issue(batch=batch)
    _actuals(billing_year)
    runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    trueup, skipped = titres.drafts_from_trueup(
        fiscal_year=billing_year.fiscal_year, issue_date=datetime.date(2026, 6, 30)
    )
    # Nothing to reduce: what Tours is owed is carried over to its payer's next titres.
    (note,) = skipped
    carried = Carryover.objects.get()
    assert (carried.debtor, carried.tenant, carried.batch) == (
        world.partner_a,
        billing_year.tours,
        trueup,
    )
    assert note == (
        f"tours : {format_euros(carried.amount)} à déduire des prochains titres "
        "(aucun titre annuel émis à réduire)."
    )
    assert not trueup.titres.filter(tenant=billing_year.tours, kind=TitreKind.REDUCTION).exists()


# --- Payments, overdue, exclusion ---------------------------------------------------------------


def test_payments_partial_then_the_balance(world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_b)  # 7 062,83 €
    first = titres.payment_record(
        titre=titre, paid_on=datetime.date(2026, 2, 1), amount=Decimal("2000.004"), reference="P1"
    )
    assert first.amount == Decimal("2000.00")
    assert balance_of(titre).balance == Decimal("5062.83")
    titres.payment_record(
        titre=titre, paid_on=datetime.date(2026, 2, 1), amount=Decimal("5062.83"), reference="P2"
    )
    titre = balance_of(titre)
    assert (titre.paid, titre.balance) == (Decimal("7062.83"), ZERO)
    assert titre.payments.count() == 2


def test_payments_refused(world, issued_batch):
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_b)
    ok = {"titre": titre, "paid_on": datetime.date(2026, 2, 1), "reference": "P1"}
    titres.payment_record(amount=Decimal("62.83"), **ok)
    refused(
        f"Le paiement dépasse le reste à recouvrer ({format_euros(Decimal('7000'))}).",
        titres.payment_record,
        amount=Decimal("7000.01"),
        **ok,
    )
    refused("Le montant du paiement doit être positif.", titres.payment_record, amount=ZERO, **ok)
    refused(
        "Un paiement ne peut précéder l'émission du titre.",
        titres.payment_record,
        titre=titre,
        paid_on=datetime.date(2026, 1, 19),
        amount=Decimal(1),
        reference="P2",
    )
    refused(
        "La date du paiement ne peut être dans le futur.",
        titres.payment_record,
        titre=titre,
        paid_on=tomorrow(),
        amount=Decimal(1),
        reference="P2",
    )
    reduction = titres.titre_correct(
        original=titre,
        kind=TitreKind.REDUCTION,
        amount=Decimal(10),
        reason="Remise",
        issue_date=datetime.date(2026, 2, 2),
    )
    not_payable = "Un paiement s'enregistre sur un titre émis de paiement."
    refused(not_payable, titres.payment_record, titre=reduction, amount=Decimal(1), **{
        k: v for k, v in ok.items() if k != "titre"
    })  # fmt: skip


def test_a_draft_takes_no_payment(drafts):
    refused(
        "Un paiement s'enregistre sur un titre émis de paiement.",
        titres.payment_record,
        titre=drafts.titres.first(),
        paid_on=ISSUE_DATE,
        amount=Decimal(1),
        reference="P1",
    )


def test_the_overdue_list(world, issued_batch):
    agglo, blaisois, blois, tours = issued(issued_batch)
    titres.payment_record(titre=agglo, paid_on=DUE_DATE, amount=agglo.total, reference="P1")
    titres.payment_record(titre=blois, paid_on=DUE_DATE, amount=Decimal(100), reference="P2")
    titres.titre_correct(
        original=tours,
        kind=TitreKind.CANCELLATION,
        reason="Tenant jamais ouvert",
        issue_date=DUE_DATE,
    )
    consortium = world.consortium
    assert list(titre_selectors.overdue(consortium, today=DUE_DATE)) == []
    late = list(titre_selectors.overdue(consortium, today=DUE_DATE + datetime.timedelta(days=1)))
    assert late == [blaisois, blois]  # paid, cancelled and corrections left out
    assert late[1].balance == blois.total - 100


def test_exclusion_flags_after_ninety_days_or_the_setting(world, issued_batch):
    agglo, blaisois, blois, tours = issued(issued_batch)
    titres.payment_record(titre=agglo, paid_on=DUE_DATE, amount=agglo.total, reference="P1")
    titres.payment_record(titre=blaisois, paid_on=DUE_DATE, amount=Decimal(65), reference="P2")
    consortium = world.consortium
    day_90 = DUE_DATE + datetime.timedelta(days=90)
    assert titre_selectors.exclusion_flags(consortium, today=day_90) == []
    flags = titre_selectors.exclusion_flags(consortium, today=day_90 + datetime.timedelta(days=1))
    assert [flag.partner for flag in flags] == [world.partner_b, world.partner_a]
    agglopolys, ville_de_blois = flags
    assert agglopolys.titres == [blaisois] and agglopolys.days_late == 91
    assert agglopolys.amount_due == blaisois.total - 65
    assert ville_de_blois.titres == [blois, tours]
    assert ville_de_blois.amount_due == blois.total + tours.total

    settings_for(world, exclusion_after_days=30)
    day_30 = DUE_DATE + datetime.timedelta(days=30)
    assert titre_selectors.exclusion_flags(consortium, today=day_30) == []
    flags = titre_selectors.exclusion_flags(consortium, today=day_30 + datetime.timedelta(days=1))
    assert [flag.partner for flag in flags] == [world.partner_b, world.partner_a]
    assert flags[0].days_late == 31


def test_partners_see_only_their_own_issued_titres(world, users, billing_year, issued_batch):
    run = specific_run(billing_year, {world.tenant_a: "300.00"})
    titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)  # a draft of partner A's
    mine = titre_selectors.titres_visible_to(users["partner_a"])
    assert sorted(t.tenant.code for t in mine) == ["blois", "tours"]
    assert all(t.balance == t.total for t in mine)
    assert titre_selectors.titres_visible_to(users["partner_b"]).count() == 2
    assert titre_selectors.titres_visible_to(users["finance"]).count() == 5


def test_a_titre_paid_in_two_payments_is_paid_to_the_cent(world, issued_batch):
    """3 473,69 € = 1 077,70 € + 2 395,99 €: in floating point, 4.5e-13 would remain due."""
    tours = RevenueTitle.objects.get(batch=issued_batch, tenant__code="tours")
    assert tours.total == Decimal("3473.69")
    for amount in ("1077.70", "2395.99"):
        titres.payment_record(
            titre=tours, paid_on=DUE_DATE, amount=Decimal(amount), reference=amount
        )
    paid = balance_of(tours)
    assert paid.balance == ZERO and paid.net - paid.paid == ZERO
    later = DUE_DATE + datetime.timedelta(days=200)
    assert titre_selectors.status_of(paid, today=later).code == "paid"
    assert tours not in titre_selectors.overdue(world.consortium, today=later)
    assert titre_selectors.exclusion_flags(world.consortium, today=later)[-1].titres == [
        RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    ]
