"""Helpers of the PES tests: the coordinator's PES codes, issued batches with their PDFs, and a
flux read back (schema, consistency, records)."""

import datetime
import hashlib
from decimal import Decimal

from billing.models import RunKind
from billing.services import runs, titres
from tests.billing_fixtures import record_actuals
from tests.titre_fixtures import ISSUE_DATE, settings_for, specific_run
from titres.models import RevenueTitle, TitreBatch, TitreDocument, TitreKind, TitreState
from titres.pes import parser, schema, services
from titres.tasks import render_missing

PES_CODES = {
    "pes_poste": "037000",
    "pes_siret": "20445676800017",
    "pes_collectivity_code": "037",
    "pes_budget_code": "01",
    "pes_budget_label": "Budget principal",
    "pes_product_code": "MUTU",
    "pes_function": "0202",
}
TRUEUP_DATE = datetime.date(2026, 6, 30)


def pes_settings(world, **overrides):
    return settings_for(world, **{**PES_CODES, **overrides})


def issue(batch: TitreBatch) -> TitreBatch:
    """Issue a batch in preparation (recovering those under the threshold) and render its PDFs."""
    for titre in batch.titres.filter(below_threshold=True):
        titres.titre_decide_recovery(titre=titre, recover=True)
    batch = titres.batch_issue(batch=batch)
    render_missing(batch.pk)  # the job runs on commit, which a test transaction never reaches
    return batch


def annual_batch(world, year) -> TitreBatch:
    """The 2026 budget run's four titres, issued on 20 January 2026, with the PES codes set."""
    pes_settings(world)
    run = runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    return issue(batch)


def correct(original: RevenueTitle, kind: str, amount: str | None = None, day=None):
    correction = titres.titre_correct(
        original=original,
        kind=kind,
        amount=Decimal(amount) if amount else None,
        reason="Erreur de tenant",
        issue_date=day or datetime.date(2026, 7, 15),
    )
    render_missing(correction.batch_id)
    return correction


def mixed_batch(world, year) -> TitreBatch:
    """After the annual batch: one batch of 30 June 2026 with a specific titre (direct pool of
    Blois) and the true-up's reductions of the members' set-up share (Blois, Agglopolys)."""
    record_actuals(year, heb="10000", vol="10000", inst="900")
    runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.ACTUAL)
    specific = specific_run(year, {world.tenant_a: "450.00"})
    titres.drafts_from_run(run=specific, issue_date=TRUEUP_DATE)
    batch, skipped = titres.drafts_from_trueup(fiscal_year=year.fiscal_year, issue_date=TRUEUP_DATE)
    assert skipped == []
    return issue(batch)


def export(batch: TitreBatch, user=None) -> tuple[str, bytes, parser.Parsed]:
    """Export the batch; the bytes are valid against the XSD and read back without a problem."""
    name, content = services.pes_export(batch=batch, user=user)
    assert schema.errors_of(content) == []
    parsed = parser.read(content)
    assert parsed.problems == []
    return name, content, parsed


def check_against_titres(batch: TitreBatch, parsed: parser.Parsed) -> None:
    """Every issued titre of the batch is a piece: number, debtor as issued, lines summing to the
    titre, imputation, and the PDF whose SHA-256 is the stored document's."""
    pieces = {(p.exercise, p.number): p for p in parsed.flux.pieces}
    issued = batch.titres.filter(state=TitreState.ISSUED).prefetch_related("lines")
    assert len(pieces) == issued.count()
    for titre in issued:
        piece = pieces[(titre.exercise, titre.number)]
        debtor = titre.snapshot["debtor"]
        assert piece.debtor.siret == debtor["siret"]
        assert piece.debtor.postal_code == debtor["postal_code"]
        assert piece.total == titre.total
        assert {line.nature for line in piece.lines} == {titre.snapshot["imputation"]["article"]}
        assert all(line.amount > 0 for line in piece.lines)
        if titre.kind in (TitreKind.REDUCTION, TitreKind.CANCELLATION):
            assert (piece.typ_pce, piece.nat_pce) == ("02", "06")
            assert {line.attachment.number for line in piece.lines} == {titre.original.number}
        else:
            assert (piece.typ_pce, piece.nat_pce) == ("01", "01")
            assert [line.amount for line in piece.lines] == [
                line.amount for line in titre.lines.all()
            ]
        document = TitreDocument.objects.get(titre=titre)
        assert piece.document.sha256 == document.sha256
        assert hashlib.sha256(piece.document.pdf).hexdigest() == document.sha256
        assert piece.document.unique_id.isalnum() and piece.document.unique_id.isascii()
