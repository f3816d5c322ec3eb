"""A run's shares grouped by debtor, a page of debtors at a time, as a finance office reads them."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef

from billing.models import AllocationRun, Share
from partners.models import Partner
from titres.money import ZERO

# 20 debtors hold ~150 shares at 3,000 tenants: 50 made a 105 KB page, mostly template rendering.
DEBTORS_PER_PAGE = 20


@dataclass
class DebtorGroup:
    partner: Partner
    count: int
    subtotal: Decimal
    #: The coordinator's own shares: borne by it, never on a titre.
    borne_by_coordinator: bool
    shares: list[Share] = field(default_factory=list)


@dataclass
class RunByDebtor:
    page: Page
    groups: list[DebtorGroup]
    total: Decimal
    debtors: int


def run_by_debtor(run: AllocationRun, page_number=1, per_page: int = DEBTORS_PER_PAGE):
    """One page of debtors with their subtotal and shares; three queries whatever the size.

    The debtors are partners with a share in the run, paged by name; their counts and subtotals
    are summed from their shares, read for the page anyway. Grouping every share of the run by
    debtor (14,000 at 3,000 tenants) for the page and again for its count cost 50 ms of the
    database."""
    debtors = Partner.objects.filter(
        Exists(Share.objects.filter(run=run, partner=OuterRef("pk")))
    ).order_by("name", "pk")
    page = Paginator(debtors, per_page).get_page(page_number)
    groups = {
        partner.pk: DebtorGroup(partner=partner, count=0, subtotal=ZERO, borne_by_coordinator=False)
        for partner in page.object_list
    }
    shares = run.shares.filter(partner_id__in=list(groups)).select_related("tenant")
    for share in shares.order_by("tenant__code", "pool_code", "pk"):
        group = groups[share.partner_id]
        group.shares.append(share)
        group.count += 1
        group.subtotal += share.amount
        group.borne_by_coordinator |= share.borne_by_coordinator
    return RunByDebtor(
        page=page,
        groups=list(groups.values()),
        total=run.total,
        debtors=page.paginator.count,
    )


@dataclass
class TrueUpGroup:
    partner: Partner
    borne_by_coordinator: bool
    lines: list = field(default_factory=list)
    billed: Decimal = ZERO
    actual: Decimal = ZERO
    difference: Decimal = ZERO


@dataclass
class TrueUpByDebtor:
    groups: list[TrueUpGroup]
    billed: Decimal
    actual: Decimal
    difference: Decimal


def true_up_by_debtor(lines) -> TrueUpByDebtor:
    """True-up lines (`billing.recap.TrueUpLine`) grouped by debtor, with subtotals and totals."""
    groups: dict[int, TrueUpGroup] = {}
    for line in sorted(lines, key=lambda line: (line.partner.name, line.partner.pk)):
        group = groups.get(line.partner.pk)
        if group is None:
            group = groups[line.partner.pk] = TrueUpGroup(
                partner=line.partner, borne_by_coordinator=line.borne_by_coordinator
            )
        group.lines.append(line)
        group.billed += line.billed or ZERO
        group.actual += line.actual or ZERO
        group.difference += line.difference or ZERO
    ordered = list(groups.values())
    return TrueUpByDebtor(
        groups=ordered,
        billed=sum((g.billed for g in ordered), ZERO),
        actual=sum((g.actual for g in ordered), ZERO),
        difference=sum((g.difference for g in ordered), ZERO),
    )
