"""Impact simulation of a candidacy (article 8): every partner's annual share with and without
the candidate, by the real allocation engine on the year's pools (no copy of its rules)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import allocation
from billing.models import RunKind
from billing.services.runs import allocation_refusal, run_inputs
from membership.models import Candidacy
from partners.models import Partner
from titres.models import FiscalYear
from titres.money import from_cents, gigabytes_to_megabytes

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class AddedTenant:
    code: str
    name: str
    payer: Partner
    months: int
    volume_gb: Decimal  # the expected volume, as stated in the file
    volume_counted: bool  # open on the year's 1 January: in the volume base, as billing does


@dataclass(frozen=True)
class ImpactRow:
    partner: Partner
    without: Decimal
    with_candidate: Decimal

    @property
    def difference(self) -> Decimal:
        return self.with_candidate - self.without

    @property
    def percent(self) -> Decimal | None:
        """The difference as a percentage of the share without the candidate (None from zero)."""
        if not self.without:
            return None
        return (self.difference * HUNDRED / self.without).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Impact:
    candidacy: Candidacy
    fiscal_year: FiscalYear
    rows: list[ImpactRow]
    added: list[AddedTenant]
    pools_total: Decimal
    full_year: bool  # the opening comes after the year: a whole year of the candidate is shown

    @property
    def total_without(self) -> Decimal:
        return sum((r.without for r in self.rows), Decimal(0))

    @property
    def total_with(self) -> Decimal:
        return sum((r.with_candidate for r in self.rows), Decimal(0))

    @property
    def total_difference(self) -> Decimal:
        return self.total_with - self.total_without


def simulation_year(consortium, today: datetime.date | None = None) -> FiscalYear | None:
    """Next year's fiscal year when it has pools with a budget, else the current year's."""
    today = today or timezone.localdate()
    years = FiscalYear.objects.filter(consortium=consortium, year__in=[today.year, today.year + 1])
    budgeted = {
        fy.year: fy
        for fy in years.filter(Q(pools__budget_amount__gt=0) | Q(pools__budget_amount__lt=0))
        .distinct()
        .select_related("grid", "consortium")
    }
    return budgeted.get(today.year + 1) or budgeted.get(today.year)


def _by_partner(results: list[allocation.ShareResult]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for share in results:
        totals[share.partner] = totals.get(share.partner, 0) + share.cents
    return totals


def _added(candidacy: Candidacy, year: int, taken: set[str]) -> tuple[list[AddedTenant], bool]:
    """The candidate's tenants as the year's run would see them.

    Billable months from the opening (opened 15 March → 9); the volume only when the tenant is
    open on 1 January, as billing reads volumes on that day. When the opening comes after the
    simulated year, the candidate is shown for a whole year (12 months, volume counted): the
    COPIL wants the annual impact.
    """
    opens_on = candidacy.opens_on
    full_year = opens_on.year > year
    rows = []
    for row in candidacy.requested_tenants.select_related("payer").order_by("code"):
        code = row.code if row.code not in taken else f"+{row.code}"
        months = 12 if full_year else allocation.billable_months(opens_on, None, year)
        counted = full_year or opens_on <= datetime.date(year, 1, 1)
        rows.append(AddedTenant(code, row.name, row.payer, months, row.volume_gb, counted))
    return rows, full_year


def candidacy_impact(*, candidacy: Candidacy, fiscal_year: FiscalYear) -> Impact:
    """The budget run of `fiscal_year` allocated twice: as it stands, and with the candidate's
    tenants (months from the opening date, expected volume) and the candidate as a member.

    The engine, the pools and the billing inputs are billing's own (`run_inputs`); only the
    candidate's tenants and membership are added.
    """
    gathered = run_inputs(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    candidate = candidacy.partner
    added, full_year = _added(candidacy, fiscal_year.year, {t.code for t in gathered.tenants})
    tenants = gathered.tenants + [
        allocation.TenantInput(
            t.code,
            str(t.payer.pk),
            t.months,
            gigabytes_to_megabytes(t.volume_gb) if t.volume_counted else 0,
        )
        for t in added
    ]
    members = list(gathered.members)
    if str(candidate.pk) not in {m.key for m in members}:
        # A member from its opening, as billing prorates equal shares (months of membership).
        months = (
            12
            if full_year
            else allocation.billable_months(candidacy.opens_on, None, fiscal_year.year)
        )
        members.append(allocation.MemberInput(str(candidate.pk), candidate.short_name, months))
    try:
        without = _by_partner(
            allocation.allocate(gathered.pools, gathered.tenants, gathered.members)
        )
        with_candidate = _by_partner(allocation.allocate(gathered.pools, tenants, members))
    except allocation.AllocationError as error:
        raise allocation_refusal(error, gathered.inputs["pools"]) from None
    keys = set(without) | set(with_candidate) | {str(candidate.pk)}
    partners = Partner.objects.filter(pk__in=[int(k) for k in keys]).order_by("name")
    rows = [
        ImpactRow(
            partner=p,
            without=from_cents(without.get(str(p.pk), 0)),
            with_candidate=from_cents(with_candidate.get(str(p.pk), 0)),
        )
        for p in partners
    ]
    total = from_cents(sum(pool.amount_cents for pool in gathered.pools))
    return Impact(candidacy, fiscal_year, rows, added, total, full_year)


def impact_or_error(
    *, candidacy: Candidacy, fiscal_year: FiscalYear | None
) -> tuple[Impact | None, list[str]]:
    """The impact, or the French reasons it cannot be computed."""
    if fiscal_year is None:
        return None, [
            _("Aucun exercice de l'année en cours ou de l'année prochaine n'a de postes budgétés.")
        ]
    try:
        return candidacy_impact(candidacy=candidacy, fiscal_year=fiscal_year), []
    except ValidationError as error:
        return None, error.messages
