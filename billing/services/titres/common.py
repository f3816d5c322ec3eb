"""What the titre services share: the settings, the numbering, the batch in preparation, a
draft's rows.

Numbers are given here and nowhere else: per year of issue, under a row lock on the year's
sequence, in the transaction that issues. A rolled-back issue gives its number back, so the
numbers stay gapless and strictly increasing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import titre_plan, titre_selectors
from billing.models import (
    CHARGING_KINDS,
    AllocationRun,
    BatchState,
    Carryover,
    FiscalYear,
    RevenueTitle,
    Share,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreSequence,
    TitreSettings,
    TitreState,
)
from billing.money import ZERO, format_euros
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Partner, Tenant

TITRE, BATCH = "titre", "batch"


def settings_required(consortium: Consortium) -> TitreSettings:
    settings = titre_selectors.settings_of(consortium)
    if settings is None:
        raise ValidationError(
            _(
                "Renseignez d'abord les paramètres des titres : ordonnateur, imputation, "
                "comptable public et IBAN."
            )
        )
    return settings


def settings_save(*, consortium: Consortium, **fields) -> TitreSettings:
    settings = titre_selectors.settings_of(consortium) or TitreSettings(consortium=consortium)
    return save(settings, **fields)


def next_number(consortium: Consortium, year: int, kind: str) -> int:
    """The next number of `kind` in `year`; the sequence row stays locked until commit."""
    sequence, _created = TitreSequence.objects.select_for_update().get_or_create(
        consortium=consortium, year=year, kind=kind
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def draft_batch(fiscal_year: FiscalYear, issue_date: datetime.date, user) -> TitreBatch:
    """The batch in preparation for that date, created if needed."""
    batch = TitreBatch.objects.filter(
        fiscal_year=fiscal_year, issue_date=issue_date, state=BatchState.DRAFT
    ).first()
    return batch or save(
        TitreBatch(fiscal_year=fiscal_year, created_by=user), issue_date=issue_date
    )


def check_issue_date(issue_date: datetime.date) -> None:
    if issue_date > timezone.localdate():
        raise ValidationError(
            {"issue_date": _("La date d'émission ne peut pas être dans le futur.")}
        )


def default_object(kind: str, fiscal_year: FiscalYear, tenant: Tenant | None) -> str:
    consortium = fiscal_year.consortium.short_name
    if kind == TitreKind.ANNUAL and tenant is not None:
        return _(
            "Participation %(year)s aux frais de la mutualisation %(consortium)s, "
            "tenant %(tenant)s (terme à échoir)"
        ) % {"year": fiscal_year.year, "consortium": consortium, "tenant": tenant.name}
    if kind == TitreKind.ANNUAL:
        return _(
            "Participation %(year)s aux frais communs de la mutualisation %(consortium)s "
            "(part de membre, terme à échoir)"
        ) % {"year": fiscal_year.year, "consortium": consortium}
    if kind == TitreKind.ADDITIONAL:
        return _("Régularisation %(year)s des frais de la mutualisation %(consortium)s") % {
            "year": fiscal_year.year,
            "consortium": consortium,
        }
    return _("Prestations %(year)s de la mutualisation %(consortium)s (titre spécifique)") % {
        "year": fiscal_year.year,
        "consortium": consortium,
    }


@dataclass(frozen=True)
class Line:
    """A line to write on a draft: a share, a difference, a reduction of an original line, or
    the deduction of a carry-over (negative)."""

    label: str
    base: str
    amount: Decimal
    share: Share | None = None
    reduces: TitreLine | None = None
    carryover: Carryover | None = None


def _carried_over(batch: TitreBatch, debtor: Partner, total: Decimal) -> list[Line]:
    """What the debtor is owed from earlier true-ups or penalties, up to this titre's total."""
    consortium = batch.fiscal_year.consortium
    pending = titre_plan.carryovers_pending(consortium, [debtor.pk], exclude_batch=batch)
    if not pending:
        return []
    # Locked, then read again: two drafts at once never deduct the same amount twice.
    list(Carryover.objects.select_for_update().filter(pk__in=[p.carryover.pk for p in pending]))
    lines = []
    for item in titre_plan.carryovers_pending(consortium, [debtor.pk], exclude_batch=batch):
        take = min(item.remaining, total)
        if take <= ZERO:
            break
        carryover = item.carryover
        lines.append(
            Line(
                label=_("À déduire : %(label)s") % {"label": carryover.label},
                base=_("reporté le %(date)s (%(reason)s), %(amount)s")
                % {
                    "date": carryover.created_at.strftime("%d/%m/%Y"),
                    "reason": carryover.reason,
                    "amount": format_euros(carryover.amount),
                },
                amount=-take,
                carryover=carryover,
            )
        )
        total -= take
    return lines


def create_titre(
    *,
    batch: TitreBatch,
    kind: str,
    debtor: Partner,
    tenant: Tenant | None,
    run: AllocationRun | None,
    lines: list[Line],
    threshold: Decimal,
    original: RevenueTitle | None = None,
    reason: str = "",
    object_text: str = "",
) -> RevenueTitle:
    """A draft and its lines; a charging titre deducts what was carried over to its debtor."""
    if kind in CHARGING_KINDS:
        lines = lines + _carried_over(batch, debtor, sum((x.amount for x in lines), ZERO))
    total = sum((line.amount for line in lines), ZERO)
    titre = save(
        RevenueTitle(
            consortium=batch.fiscal_year.consortium,
            fiscal_year=batch.fiscal_year,
            batch=batch,
            debtor=debtor,
            tenant=tenant,
            run=run,
            original=original,
        ),
        kind=kind,
        object=object_text or default_object(kind, batch.fiscal_year, tenant),
        reason=reason,
        total=total,
        below_threshold=kind in CHARGING_KINDS and total < threshold,
    )
    TitreLine.objects.bulk_create(
        TitreLine(
            titre=titre,
            position=position,
            label=line.label,
            base=line.base,
            amount=line.amount,
            share=line.share,
            reduces=line.reduces,
            carryover=line.carryover,
        )
        for position, line in enumerate(lines, start=1)
    )
    return titre


def draft_or_error(titre: RevenueTitle) -> RevenueTitle:
    titre = RevenueTitle.objects.select_for_update().get(pk=titre.pk)
    if titre.state == TitreState.ISSUED:
        raise ValidationError(_("Ce titre est déjà émis."))
    return titre


def queue_batch(batch: TitreBatch) -> None:
    from billing.tasks import process_batch  # the task module imports these services

    # Robust: the batch is committed whatever happens to the job; a failure is logged, and the
    # task retries (or is run again from the batch page) without numbering anything twice.
    transaction.on_commit(lambda: process_batch.delay(batch.pk), robust=True)
