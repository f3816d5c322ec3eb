"""What the titre services share: the settings, the numbering, the batch in preparation, a
draft's rows.

Numbers are given here and nowhere else: per year of issue, under a row lock on the year's
sequence, in the transaction that issues. A rolled-back issue gives its number back, so the
numbers stay gapless and strictly increasing.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ligeris.lib.audit import log_created
from ligeris.lib.images import check_image
from ligeris.lib.services import save_validated as save
from ligeris.lib.services import validate_in_bulk
from partners.models import Consortium, Partner, Tenant
from titres import titre_selectors
from titres.models import (
    CHARGING_KINDS,
    BatchState,
    Carryover,
    FiscalYear,
    RevenueTitle,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreLogo,
    TitreSequence,
    TitreSettings,
    TitreState,
)
from titres.money import ZERO, format_euros
from titres.remaining import carryovers_pending

TITRE, BATCH = "titre", "batch"
#: Rows per INSERT or UPDATE when a batch is written in bulk: a few statements per thousand
#: titres, and an UPDATE's CASE never so long that PostgreSQL spends its time matching it.
BULK = 1000


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


#: A logo is a small image: bounded in bytes and in pixels before it is decoded.
LOGO_MAX_BYTES = 512 * 1024
LOGO_MAX_SIDE = 4000
LOGO_MAX_PIXELS = 4_000_000


def logo_store(upload) -> TitreLogo:
    """The logo of `upload` (a file or bytes), checked, stored once under its SHA-256."""
    try:
        image = check_image(
            upload, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SIDE, max_pixels=LOGO_MAX_PIXELS
        )
    except ValidationError as error:
        raise ValidationError({"logo": error.messages}) from None
    logo, _created = TitreLogo.objects.get_or_create(
        sha256=image.sha256,
        defaults={
            "image": image.data,
            "format": image.format,
            "width": image.width,
            "height": image.height,
        },
    )
    return logo


@transaction.atomic
def settings_save(
    *, consortium: Consortium, logo=None, logo_clear: bool = False, **fields
) -> TitreSettings:
    """Save the settings; `logo` (an uploaded image) replaces the logo, `logo_clear` removes it.
    Titres already issued keep the logo frozen in their snapshot."""
    settings = titre_selectors.settings_of(consortium) or TitreSettings(consortium=consortium)
    if logo:
        fields["logo"] = logo_store(logo)
    elif logo_clear:
        fields["logo"] = None
    return save(settings, **fields)


def next_numbers(consortium: Consortium, year: int, kind: str, count: int = 1) -> range:
    """The next `count` numbers of `kind` in `year`, for one batch; the sequence row stays
    locked until commit, so that no other issue takes a number in between."""
    sequence, _created = TitreSequence.objects.select_for_update().get_or_create(
        consortium=consortium, year=year, kind=kind
    )
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return range(first, first + count)


def next_number(consortium: Consortium, year: int, kind: str) -> int:
    return next_numbers(consortium, year, kind)[0]


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
    share: models.Model | None = None  # the drafter's (cost sharing's share), kept on the line
    reduces: TitreLine | None = None
    carryover: Carryover | None = None


@dataclass(frozen=True)
class Draft:
    """A draft to write: its debtor, its lines, and what it corrects."""

    kind: str
    debtor: Partner
    tenant: Tenant | None
    run: models.Model | None  # the drafter's (cost sharing's run), kept on the titre
    lines: list[Line]
    original: RevenueTitle | None = None
    reason: str = ""
    object_text: str = ""
    #: The drafter's own heading and legal basis (the catalogue's titres are billed in arrears
    #: under a voted catalogue, not a contribution grid), kept in the snapshot at issue.
    wording: dict | None = None


def _carryover_line(carryover: Carryover, take: Decimal) -> Line:
    return Line(
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


def _carried_over(batch: TitreBatch, drafts: list[Draft]) -> list[list[Line]]:
    """For each draft, what its debtor is owed from earlier true-ups or penalties, up to the
    draft's total: the oldest carry-over first, the drafts in their order."""
    deducted: list[list[Line]] = [[] for _draft in drafts]
    debtors = {draft.debtor.pk for draft in drafts if draft.kind in CHARGING_KINDS}
    if not debtors:
        return deducted
    consortium = batch.fiscal_year.consortium
    pending = carryovers_pending(consortium, debtors, exclude_batch=batch)
    if not pending:
        return deducted
    # Locked, then read again: two drafts at once never deduct the same amount twice.
    list(Carryover.objects.select_for_update().filter(pk__in=[p.carryover.pk for p in pending]))
    left: dict[int, list[list]] = defaultdict(list)  # debtor → [carry-over, what remains]
    for item in carryovers_pending(consortium, debtors, exclude_batch=batch):
        left[item.carryover.debtor_id].append([item.carryover, item.remaining])
    for lines, draft in zip(deducted, drafts, strict=True):
        if draft.kind not in CHARGING_KINDS:
            continue
        total = sum((line.amount for line in draft.lines), ZERO)
        for entry in [e for e in left.get(draft.debtor.pk, []) if e[1] > ZERO]:
            take = min(entry[1], total)
            if take <= ZERO:
                break
            lines.append(_carryover_line(entry[0], take))
            entry[1] -= take
            total -= take
    return deducted


def create_titres(batch: TitreBatch, drafts: list[Draft], threshold: Decimal) -> list[RevenueTitle]:
    """The drafts and their lines, in a few statements whatever their count; a charging titre
    deducts what was carried over to its debtor."""
    fiscal_year = batch.fiscal_year
    titres, all_lines = [], []
    for draft, deducted in zip(drafts, _carried_over(batch, drafts), strict=True):
        lines = draft.lines + deducted
        total = sum((line.amount for line in lines), ZERO)
        titre = RevenueTitle(
            consortium=fiscal_year.consortium,
            fiscal_year=fiscal_year,
            batch=batch,
            debtor=draft.debtor,
            tenant=draft.tenant,
            run=draft.run,
            original=draft.original,
            kind=draft.kind,
            object=draft.object_text or default_object(draft.kind, fiscal_year, draft.tenant),
            reason=draft.reason,
            total=total,
            below_threshold=draft.kind in CHARGING_KINDS and total < threshold,
            snapshot={"wording": draft.wording} if draft.wording else {},
        )
        validate_in_bulk(titre)
        titres.append(titre)
        all_lines.append(lines)
    RevenueTitle.objects.bulk_create(titres, batch_size=BULK)
    log_created(titres)
    TitreLine.objects.bulk_create(
        (
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
            for titre, lines in zip(titres, all_lines, strict=True)
            for position, line in enumerate(lines, start=1)
        ),
        batch_size=BULK,
    )
    return titres


def create_titre(*, batch: TitreBatch, threshold: Decimal, **draft) -> RevenueTitle:
    """One draft and its lines (see `create_titres`)."""
    return create_titres(batch, [Draft(**draft)], threshold)[0]


def draft_or_error(titre: RevenueTitle) -> RevenueTitle:
    titre = RevenueTitle.objects.select_for_update().get(pk=titre.pk)
    if titre.state == TitreState.ISSUED:
        raise ValidationError(_("Ce titre est déjà émis."))
    return titre


def queue_batch(batch: TitreBatch) -> None:
    from titres.tasks import process_batch  # the task module imports these services

    # Robust: the batch is committed whatever happens to the job; a failure is logged, and the
    # task retries (or is run again from the batch page) without numbering anything twice.
    transaction.on_commit(lambda: process_batch.delay(batch.pk), robust=True)
