"""Reads behind the confirmation pages: what issuing a batch, or computing the actual run before
the year's end, will do, before anything is done. The services check the refusals again."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from titres import titre_selectors
from titres.models import FiscalYear, TitreBatch, TitreSequence
from titres.money import ZERO
from titres.services.common import TITRE, check_issue_date


@dataclass
class BatchIssueSummary:
    batch: TitreBatch
    count: int = 0
    total: Decimal = ZERO
    first_number: str = ""
    last_number: str = ""
    #: (debtor, e-mail) of each titre that will be e-mailed, in issue order.
    emails: list[tuple[str, str]] = field(default_factory=list)
    #: Debtors with no e-mail address: their titre is produced but must be sent by post.
    without_email: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)


def _number(year: int, number: int) -> str:
    return f"{year}-{number:05d}"


def batch_issue_summary(batch: TitreBatch) -> BatchIssueSummary:
    """Count, total, the numbers to be given, who is e-mailed, and what would refuse the issue.

    The numbers are those the sequence gives now; a batch issued meanwhile by someone else moves
    them, and the issue itself numbers under lock whatever this page said.
    """
    summary = BatchIssueSummary(batch=batch)
    if not batch.is_draft:
        summary.refusals.append(_("Ce bordereau est déjà émis."))
        return summary
    try:
        check_issue_date(batch.issue_date)
    except ValidationError as error:
        summary.refusals.extend(error.messages)
    drafts = titre_selectors.open_drafts(batch)
    totals = drafts.aggregate(count=Count("pk"), total=Sum("total"))
    summary.count, summary.total = totals["count"], totals["total"] or ZERO
    if not summary.count:
        summary.refusals.append(_("Aucun titre à émettre dans ce bordereau."))
        return summary
    undecided = titre_selectors.undecided_below_threshold(batch).count()
    if undecided:
        summary.refusals.append(
            ngettext(
                "Décidez d'abord pour le titre inférieur au seuil de recouvrement.",
                "Décidez d'abord pour les %(count)s titres inférieurs au seuil de recouvrement.",
                undecided,
            )
            % {"count": undecided}
        )
    year = batch.issue_date.year
    last = (
        TitreSequence.objects.filter(consortium=batch.fiscal_year.consortium, year=year, kind=TITRE)
        .values_list("last_number", flat=True)
        .first()
        or 0
    )
    summary.first_number = _number(year, last + 1)
    summary.last_number = _number(year, last + summary.count)
    for name, email in drafts.order_by("debtor__name", "tenant__code", "pk").values_list(
        "debtor__name", "debtor__billing_email"
    ):
        if email:
            summary.emails.append((name, email))
        else:
            summary.without_email.append(name)
    return summary


def actual_run_warning(fiscal_year: FiscalYear, today: datetime.date | None = None) -> str:
    """Why computing the actual run now deserves a second thought, or "" when it does not."""
    today = today or timezone.localdate()
    end = datetime.date(fiscal_year.year, 12, 31)
    if today > end:
        return ""
    return _(
        "L'exercice %(year)s n'est pas terminé (il s'achève le %(end)s) : des factures de "
        "l'année peuvent manquer encore, et la régularisation calculée sur cette répartition "
        "réelle les ignorerait."
    ) % {"year": fiscal_year.year, "end": end.strftime("%d/%m/%Y")}
