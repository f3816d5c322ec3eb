"""What remains of titres: of each line, less the corrections that reduce it, and of each
carry-over, less the lines that deduct it. Read by corrections (never beyond what remains) and by
the drafters above (cost sharing's true-up reduces annual titres the same way).
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from titres.models import Carryover, RevenueTitle, TitreLine, TitreState
from titres.money import ZERO

MONEY = DecimalField(max_digits=13, decimal_places=2)
#: Corrections that already hold a part of a line: issued, or drafted in a batch in preparation.
HOLDING = (TitreState.ISSUED, TitreState.DRAFT)


@dataclass
class Target:
    """A line of the titre to reduce, with what remains of it; `key` matches it to what is
    given back (the drafter's: for cost sharing, its share's pool and recipient)."""

    line: TitreLine
    key: Hashable | None
    remaining: Decimal


def targets_of(
    titres: Iterable[RevenueTitle],
    holding: tuple[str, ...] = HOLDING,
    key: Callable[[TitreLine], Hashable | None] | None = None,
) -> tuple[dict[int, list[Target]], dict[int, Decimal]]:
    """The positive lines of each titre with what remains of them, and what remains of each
    titre, less its corrections in `holding` states (issued, or in preparation too).

    `key(line)` gives each target its key (none without it); the line's share is read with the
    line for it, in the same query."""
    titres = [t for t in titres if t is not None]
    held = (
        TitreLine.objects.filter(reduces=OuterRef("pk"), titre__state__in=holding)
        .values("reduces")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    lines = (
        TitreLine.objects.filter(titre__in=titres, amount__gt=0)
        .annotate(held=Coalesce(Subquery(held, output_field=MONEY), ZERO, output_field=MONEY))
        .order_by("titre", "position")
    )
    if key is not None:
        lines = lines.select_related("share")
    targets: dict[int, list[Target]] = defaultdict(list)
    for line in lines:
        line_key = key(line) if key is not None else None
        targets[line.titre_id].append(Target(line, line_key, line.amount - line.held))
    corrected = dict(
        RevenueTitle.objects.filter(original__in=titres, state__in=holding)
        .values("original")
        .annotate(total=Sum("total"))
        .values_list("original", "total")
    )
    caps = {t.pk: t.total - (corrected.get(t.pk) or ZERO) for t in titres}
    return targets, caps


@dataclass(frozen=True)
class PendingCarryover:
    carryover: Carryover
    remaining: Decimal


def carryovers_pending(consortium, debtor_ids: Iterable[int] | None = None, exclude_batch=None):
    """Carry-overs with something left to deduct (lines on titres not waived count as taken)."""
    carryovers = Carryover.objects.filter(consortium=consortium).select_related(
        "debtor", "tenant", "batch"
    )
    if debtor_ids is not None:
        carryovers = carryovers.filter(debtor_id__in=list(debtor_ids))
    if exclude_batch is not None:
        carryovers = carryovers.exclude(batch=exclude_batch)
    taken = (
        TitreLine.objects.filter(carryover=OuterRef("pk"))
        .exclude(titre__state=TitreState.WAIVED)
        .values("carryover")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    carryovers = carryovers.annotate(
        taken=Coalesce(Subquery(taken, output_field=MONEY), ZERO, output_field=MONEY)
    ).order_by("created_at", "pk")
    return [
        PendingCarryover(c, c.amount + c.taken) for c in carryovers if c.amount + c.taken > ZERO
    ]
