"""Allocation runs: the inputs of a fiscal year gathered, allocated, and stored as a snapshot."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import allocation, selectors
from billing.explain import share_base
from billing.models import AllocationKey, AllocationRun, RunKind, Share, SpreadOn, TariffGrid
from billing.services.grids import grid_freeze
from partners.models import PartnerStatus, Tenant
from titres.models import FiscalYear
from titres.money import ZERO, from_cents, gigabytes_to_megabytes, to_cents

#: Which pools each kind of run spreads.
SPREADS = {
    RunKind.BUDGET: (SpreadOn.ALL,),
    RunKind.ACTUAL: (SpreadOn.ALL, SpreadOn.ACTUAL),
    RunKind.SPECIFIC: (SpreadOn.SPECIFIC,),
}
MEMBER_STATUSES = (PartnerStatus.MEMBER, PartnerStatus.WITHDRAWING)
#: A partner that has left shares the equal pools for its months of membership in the year.
LEFT_STATUSES = (PartnerStatus.WITHDRAWN, PartnerStatus.EXCLUDED)


def _members(fiscal_year: FiscalYear) -> list[dict]:
    """The partners sharing the equal-per-member pools, with their months of membership.

    Months follow a tenant's billable months (DESIGN §5): from the month after admission
    (`member_since`, none: a member from before the year) to the month membership ends
    (the day before `member_until`, the effective date of a withdrawal or an exclusion). A withdrawn or
    excluded partner without an end date shares nothing, as before such dates were kept.
    """
    year = fiscal_year.year
    partners = fiscal_year.consortium.partners.filter(
        Q(status__in=MEMBER_STATUSES) | Q(status__in=LEFT_STATUSES, member_until__isnull=False)
    ).values("id", "short_name", "name", "member_since", "member_until")
    rows = []
    for partner in partners.order_by("short_name", "id"):
        since = partner.pop("member_since") or fiscal_year.first_day
        until = partner.pop("member_until")
        # `member_until` is the first day out: a withdrawal effective 1 January ends in December.
        last_day = until - datetime.timedelta(days=1) if until else None
        months = allocation.billable_months(since, last_day, year)
        if months:
            rows.append({**partner, "months": months})
    return rows


def _tenants(fiscal_year: FiscalYear, direct_codes: set[str]) -> list[dict]:
    year = fiscal_year.year
    volumes = {v.tenant_id: v.gigabytes for v in selectors.volumes_on(fiscal_year)}
    rows = []
    tenants = Tenant.objects.filter(consortium=fiscal_year.consortium).prefetch_related(
        "holdings__partner"
    )
    for tenant in tenants.order_by("code"):
        months = allocation.billable_months(tenant.opened_on, tenant.closed_on, year)
        if months == 0 and tenant.code not in direct_codes:
            continue
        holdings = list(tenant.holdings.all())
        payer = next((h.partner for h in holdings if h.is_payer), None)
        if payer is None:
            raise ValidationError(
                _("Le tenant %(code)s n'a pas de payeur.") % {"code": tenant.code}
            )
        volume = volumes.get(tenant.pk)
        rows.append(
            {
                "id": tenant.pk,
                "code": tenant.code,
                "name": tenant.name,
                "opened_on": tenant.opened_on.isoformat(),
                "closed_on": tenant.closed_on.isoformat() if tenant.closed_on else None,
                "months": months,
                "payer_id": payer.pk,
                "payer": payer.name,
                "holders": [h.partner.short_name for h in holdings],
                "volume_gb": str(volume) if volume is not None else None,
                "open_on_first_day": tenant.opened_on <= fiscal_year.first_day
                and (tenant.closed_on is None or tenant.closed_on >= fiscal_year.first_day),
            }
        )
    return rows


def _pools(fiscal_year: FiscalYear, kind: str) -> list[dict]:
    rows = []
    for amounts in selectors.pool_amounts(fiscal_year):
        pool = amounts.pool
        if pool.spread_on not in SPREADS[kind]:
            continue
        amount = amounts.budget if kind == RunKind.BUDGET else amounts.actual
        if amount == ZERO:
            continue
        rows.append(
            {
                "id": pool.pk,
                "code": pool.code,
                "label": pool.label,
                "category": pool.category,
                "key": pool.key,
                "amount": str(amount),
                "detail": amounts.budget_detail
                if kind == RunKind.BUDGET
                else amounts.actual_detail,
                "direct_tenant": pool.direct_tenant.code if pool.direct_tenant_id else None,
                "direct_partner_id": pool.direct_partner_id,
            }
        )
    return rows


def _check_volumes(pools: list[dict], tenants: list[dict], year: int) -> None:
    if not any(p["key"] == AllocationKey.STORAGE_VOLUME for p in pools):
        return
    missing = [t["code"] for t in tenants if t["open_on_first_day"] and t["volume_gb"] is None]
    if missing:
        raise ValidationError(
            _("Volumétrie au 01/01/%(year)s manquante pour : %(codes)s. Importez-la d'abord.")
            % {"year": year, "codes": ", ".join(missing)}
        )


def _allocation_error(error: allocation.AllocationError, pools: list[dict]) -> ValidationError:
    label = next((p["label"] for p in pools if p["code"] == error.pool), error.pool)
    if error.code == "no_recipient":
        message = _(
            "Le poste « %(pool)s » n'a aucun destinataire : aucun tenant facturable, aucune "
            "volumétrie ou aucun membre."
        )
    else:
        message = _("Le poste « %(pool)s » vise un tenant ou un partenaire hors répartition.")
    return ValidationError(message % {"pool": label})


@dataclass(frozen=True)
class RunInputs:
    """What a run of `kind` would allocate: the snapshot stored with the run and the engine's
    own inputs. Reading them writes nothing (the membership impact simulation uses them)."""

    inputs: dict
    pools: list[allocation.PoolInput]
    tenants: list[allocation.TenantInput]
    members: list[allocation.MemberInput]


def run_inputs(*, fiscal_year: FiscalYear, kind: str) -> RunInputs:
    """Gather the year's pools, billable tenants and members as a run of `kind` would."""
    pools = _pools(fiscal_year, kind)
    if not pools:
        raise ValidationError(
            _("Aucun poste à répartir pour cette répartition (montants nuls ou absents).")
        )
    direct_codes = {p["direct_tenant"] for p in pools if p["direct_tenant"]}
    tenants = _tenants(fiscal_year, direct_codes)
    _check_volumes(pools, tenants, fiscal_year.year)
    consortium = fiscal_year.consortium
    members = _members(fiscal_year)
    inputs = {
        "year": fiscal_year.year,
        "kind": kind,
        "coordinator_id": consortium.coordinator_id,
        "pools": pools,
        "tenants": tenants,
        "members": members,
    }
    return RunInputs(
        inputs=inputs,
        pools=[
            allocation.PoolInput(
                p["code"],
                p["key"],
                to_cents(Decimal(p["amount"])),
                p["direct_tenant"],
                str(p["direct_partner_id"]) if p["direct_partner_id"] else None,
            )
            for p in pools
        ],
        tenants=[
            allocation.TenantInput(
                t["code"],
                str(t["payer_id"]),
                t["months"],
                gigabytes_to_megabytes(Decimal(t["volume_gb"])) if t["volume_gb"] else 0,
            )
            for t in tenants
        ],
        members=[
            allocation.MemberInput(str(m["id"]), m["short_name"], m["months"]) for m in members
        ],
    )


def allocation_refusal(error: allocation.AllocationError, pools: list[dict]) -> ValidationError:
    """The engine's refusal as a French message naming the pool."""
    return _allocation_error(error, pools)


@transaction.atomic
def run_create(*, fiscal_year: FiscalYear, kind: str, user=None) -> AllocationRun:
    """Allocate the year's pools and store the result as a new version of `kind`."""
    FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)  # one version at a time
    gathered = run_inputs(fiscal_year=fiscal_year, kind=kind)
    inputs = gathered.inputs
    pools, tenants = inputs["pools"], inputs["tenants"]
    consortium = fiscal_year.consortium
    try:
        results = allocation.allocate(gathered.pools, gathered.tenants, gathered.members)
    except allocation.AllocationError as error:
        raise _allocation_error(error, pools) from None
    last = fiscal_year.runs.filter(kind=kind).aggregate(last=Max("version"))["last"] or 0
    total = sum((Decimal(p["amount"]) for p in pools), ZERO)
    run = AllocationRun.objects.create(
        fiscal_year=fiscal_year,
        kind=kind,
        version=last + 1,
        created_by=user,
        inputs=inputs,
        total=total,
    )
    pool_by_code = {p["code"]: p for p in pools}
    tenant_ids = {t["code"]: t["id"] for t in tenants}
    Share.objects.bulk_create(
        [
            Share(
                run=run,
                pool_id=pool_by_code[r.pool]["id"],
                pool_code=r.pool,
                pool_label=pool_by_code[r.pool]["label"],
                key=pool_by_code[r.pool]["key"],
                pool_amount=Decimal(pool_by_code[r.pool]["amount"]),
                tenant_id=tenant_ids[r.tenant] if r.tenant else None,
                partner_id=int(r.partner),
                borne_by_coordinator=int(r.partner) == consortium.coordinator_id,
                months=r.months,
                base=share_base(r, pool_by_code[r.pool]["key"]),
                base_quantity=r.base,
                base_total=r.base_total,
                weight=(Decimal(r.weight) / Decimal(r.weight_total)).quantize(Decimal("1e-10")),
                amount=from_cents(r.cents),
            )
            for r in results
        ],
        batch_size=2000,
    )
    return run


@transaction.atomic
def run_lock(*, run: AllocationRun) -> AllocationRun:
    """A titre uses this run: it is kept as it is, and the year's grid is frozen."""
    return runs_lock(run_ids=[run.pk])[0]


def runs_lock(*, run_ids) -> list[AllocationRun]:
    """Titres use these runs (a batch's): each is kept as it is, and their years' grids are
    frozen. The runs' inputs are not read (~0.9 MB a run at 3,000 tenants)."""
    runs = list(
        AllocationRun.objects.select_for_update()
        .defer("inputs")
        .filter(pk__in=list(run_ids))
        .order_by("pk")  # locked in one order: two batches sharing runs never deadlock
    )
    for run in runs:
        if run.locked_at is None:
            run.locked_at = timezone.now()
            run.save(update_fields=["locked_at"])
    years = {run.fiscal_year_id for run in runs}
    for grid in TariffGrid.objects.filter(fiscal_year__in=years).order_by("pk"):
        grid_freeze(grid=grid)
    return runs


def runs_lock_of_titres(*, titres) -> list[AllocationRun]:
    """The runs these titres were drafted from, locked (`runs_lock`); an actual run is not a
    billed run, the true-up titres naming it leave it open."""
    runs = {titre.run_id for titre in titres if titre.run_id}
    runs = AllocationRun.objects.filter(pk__in=runs).exclude(kind=RunKind.ACTUAL)
    return runs_lock(run_ids=runs.values_list("pk", flat=True))
