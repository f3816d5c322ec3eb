"""A generated consortium's annual titres: drafted and issued in bulk, then paid.

`drafts_from_run` and `batch_issue` write some twenty queries per titre (minutes for the
thousands of a large year), so both are done here in bulk, writing what they write: one draft
per tenant to its payer with the member's shares on its first tenant's titre, each share a line
worded as the service words it (`tests/test_generate_consortium.py` compares both); then the
batch numbered by the service, and each draft, in the service's order, given the next number of
its year's sequence and its frozen mentions, in the order the PostgreSQL triggers accept (a
titre becomes issued with the number its sequence has just given; lines are written while it
is a draft). Nothing is rendered or e-mailed. Payments follow: most titres paid in full, some in
part, some not at all. A generated year has no carry-over to deduct.
"""

import datetime
import json
import random
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from billing.models import AllocationKey, AllocationRun, Share
from billing.services import titres
from billing.services.runs import run_lock
from billing.titre_plan import fold_members
from ligeris.lib import demo_clock
from ligeris.lib.french import lower_first
from partners.models import Consortium
from titres import balances, titre_selectors
from titres.models import (
    CHARGING_KINDS,
    BatchState,
    Payment,
    RevenueTitle,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreSequence,
    TitreSettings,
)
from titres.money import ZERO
from titres.services.common import BATCH, TITRE, default_object, draft_batch, next_number
from titres.services.issuing import shared_mentions

PAID, PARTIAL = 0.85, 0.06  # the rest is left unpaid


def settings_for(consortium: Consortium) -> TitreSettings:
    return titres.settings_save(
        consortium=consortium,
        signatory_last_name="Martin",
        signatory_first_names="Jean",
        signatory_role="Président du Conseil départemental",
        approving_deliberation="délibération de la commission permanente du Conseil départemental",
        accountant_name="Paierie départementale",
        accountant_address="Place de la Préfecture, 37000 Tours",
        iban="FR8030001004111C37000000004",
        bic="BDFEFRPPCCT",
        pes_poste="037000",
        pes_siret=consortium.coordinator.siret,
        pes_collectivity_code="037",
        pes_budget_code="01",
        pes_budget_label="Budget principal du Département",
        pes_product_code="MUTU",
        pes_function="0202",
    )


def _common_snapshot(batch: TitreBatch, settings: TitreSettings) -> dict:
    """What `titre_issue` freezes that is the same for every titre of the batch (its own
    `shared_mentions`, so that generated titres cannot drift from issued ones)."""
    mentions = shared_mentions(batch.fiscal_year.consortium, settings)
    return {
        **mentions,
        "legal": {**mentions["legal"], "grid_year": batch.fiscal_year.year},
        "batch_number": batch.number,
        "original": None,
    }


def _line(share: Share) -> TitreLine:
    label = share.pool_label
    if share.tenant_id:
        label = f"{share.pool_label} — {share.tenant.code}"
    base = lower_first(share.pool_label) if share.key == AllocationKey.DIRECT else share.base
    return TitreLine(
        label=label, base=f"{share.get_key_display()} : {base}", amount=share.amount, share=share
    )


@transaction.atomic
def drafts_in_bulk(*, run: AllocationRun, issue_date: datetime.date, threshold) -> TitreBatch:
    """The annual drafts of a budget run, as `drafts_from_run` makes them, in a few queries."""
    fiscal_year = run.fiscal_year
    shares = (
        run.shares.filter(borne_by_coordinator=False)
        .exclude(amount=0)
        .select_related("tenant", "partner")
        .order_by("partner__name", F("tenant__code").asc(nulls_last=True), "pool_code")
    )
    groups: dict[tuple[int, int | None], list[Share]] = defaultdict(list)
    for share in shares:
        groups[(share.partner_id, share.tenant_id)].append(share)
    batch = draft_batch(fiscal_year, issue_date, None)
    drafts, lines = [], []
    for group in fold_members(groups).values():
        first = next((share for share in group if share.tenant_id), group[0])
        rows = [_line(share) for share in group]
        total = sum((row.amount for row in rows), ZERO)
        if total <= ZERO:
            continue
        drafts.append(
            RevenueTitle(
                consortium=fiscal_year.consortium,
                fiscal_year=fiscal_year,
                batch=batch,
                debtor=first.partner,
                tenant=first.tenant,
                run=run,
                kind=TitreKind.ANNUAL,
                object=default_object(TitreKind.ANNUAL, fiscal_year, first.tenant),
                total=total,
                below_threshold=total < threshold,
            )
        )
        lines.append(rows)
    RevenueTitle.objects.bulk_create(drafts, batch_size=1000)
    for titre, rows in zip(drafts, lines, strict=True):
        for position, row in enumerate(rows, start=1):
            row.titre, row.position = titre, position
    TitreLine.objects.bulk_create([row for rows in lines for row in rows], batch_size=2000)
    return batch


#: The sequence moves by one, then the titre takes that number: the PostgreSQL triggers check
#: each titre against the sequence as it is at that moment, so the two alternate, in order.
NEXT_NUMBER = "UPDATE billing_titresequence SET last_number = %s WHERE id = %s"
ISSUE = (
    "UPDATE billing_revenuetitle SET state = 'issued', exercise = %s, number = %s, "
    "issued_on = %s, due_on = %s, issued_at = %s, snapshot = %s WHERE id = %s"
)
#: Titres numbered per round trip on PostgreSQL (several statements in one query).
CHUNK = 250


def _number_in_order(rows: list[tuple[tuple, tuple]]) -> None:
    """Raw SQL, as the models' Python checks would read every row again; the triggers check."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":  # SQLite takes one statement at a time
            for sequence_params, titre_params in rows:
                cursor.execute(NEXT_NUMBER, sequence_params)
                cursor.execute(ISSUE, titre_params)
            return
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            sql = "; ".join(f"{NEXT_NUMBER}; {ISSUE}" for _row in chunk)
            cursor.execute(sql, [value for pair in chunk for part in pair for value in part])


@transaction.atomic
def batch_issue_in_bulk(*, batch: TitreBatch, settings: TitreSettings) -> list[int]:
    """Issue the batch's drafts as `batch_issue` would (not its task); their ids in order."""
    batch = TitreBatch.objects.select_for_update().select_related("fiscal_year").get(pk=batch.pk)
    for titre in titre_selectors.undecided_below_threshold(batch):
        titres.titre_decide_recovery(titre=titre, recover=True)
    drafts = list(
        titre_selectors.open_drafts(batch)
        .select_related("debtor", "tenant")  # not the run: its inputs JSON is ~1 MB
        .order_by("debtor__name", F("tenant__code").asc(nulls_last=True), "pk")
    )
    consortium = batch.fiscal_year.consortium
    year = batch.issue_date.year
    batch.number = next_number(consortium, year, BATCH)
    batch.state = BatchState.ISSUED
    batch.issued_at = timezone.now()
    batch.save(update_fields=["number", "state", "issued_at"])
    common = _common_snapshot(batch, settings)
    sequence, _created = TitreSequence.objects.select_for_update().get_or_create(
        consortium=consortium, year=year, kind=TITRE
    )
    number = sequence.last_number
    due_on = batch.issue_date + datetime.timedelta(days=settings.payment_days)
    ops = connection.ops
    rows = []
    for titre in drafts:
        number += 1
        tenant = {"code": titre.tenant.code, "name": titre.tenant.name} if titre.tenant else None
        snapshot = {**common, "debtor": titres.party_snapshot(titre.debtor), "tenant": tenant}
        rows.append(
            (
                (number, sequence.pk),
                (
                    year,
                    number,
                    ops.adapt_datefield_value(batch.issue_date),
                    ops.adapt_datefield_value(
                        due_on if titre.kind in CHARGING_KINDS else batch.issue_date
                    ),
                    ops.adapt_datetimefield_value(timezone.now()),
                    json.dumps(snapshot),
                    titre.pk,
                ),
            )
        )
    _number_in_order(rows)
    for run_id in {titre.run_id for titre in drafts if titre.run_id}:
        run_lock(run=AllocationRun(pk=run_id))
    return [titre.pk for titre in drafts]


def _payments(ids: list[int], rng: random.Random) -> int:
    today = timezone.localdate()
    rows = []
    for titre in RevenueTitle.objects.filter(pk__in=ids).only("pk", "total", "issued_on", "number"):
        draw = rng.random()
        if draw >= PAID + PARTIAL:
            continue
        paid_on = min(titre.issued_on + datetime.timedelta(days=rng.randint(20, 75)), today)
        amount = titre.total if draw < PAID else (titre.total / 2).quantize(Decimal("0.01"))
        if amount > 0:
            rows.append(
                Payment(
                    titre_id=titre.pk,
                    paid_on=paid_on,
                    amount=amount,
                    reference=f"P503-{titre.issued_on.year}-{titre.number:05d}",
                )
            )
    Payment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def generate_annual_titres(*, run, settings: TitreSettings, rng: random.Random) -> tuple[int, int]:
    """The year's annual titres from its budget run, issued on 20 January, and their payments.
    Returns how many titres were issued and how many payments recorded."""
    year = run.fiscal_year.year
    issue_date = datetime.date(year, 1, 20)
    with demo_clock.at(f"{year}-01-20 10:00"):
        batch = drafts_in_bulk(
            run=run, issue_date=issue_date, threshold=settings.recovery_threshold
        )
        ids = batch_issue_in_bulk(batch=batch, settings=settings)
    paid = _payments(ids, rng)
    balances.refresh(ids)  # issued and paid past the services: their stored balances
    return len(ids), paid
