"""What a true-up (or a specific run) draws up, per debtor and tenant, before anything is written.

Read by the true-up page (what each debtor will get) and by the draft services (what they write),
so that the page says exactly what the button does. The rules, as a public accountant takes them:

- what the debtor owes on top (a positive difference, a pool that was not billed) goes on a
  *titre complémentaire* (or specific titre), one line per charge;
- what it is owed (a negative difference, a penalty passed on) goes on a *titre de réduction* of
  its annual titre, each line naming the line it reduces and never more than what remains of
  it: first the line of the same pool, then the lines with the most left;
- what no line can take any more is carried over and deducted from the debtor's next titres;
- with the consortium's "one net titre per debtor" setting, the charges and the reductions of a
  debtor are offset first, in proportion, and only the side left makes a titre; its lines are
  still all charges or all reductions, never mixed.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from billing import recap, trueup_totals
from billing.allocation import split_cents
from billing.models import AllocationRun, Share
from partners.models import Partner, Tenant
from titres import titre_selectors
from titres.models import RevenueTitle, TitreLine
from titres.money import ZERO, format_euros, from_cents, to_cents
from titres.remaining import Target, targets_of

Key = tuple[str, int | None, int]  # pool code, tenant id, partner id (0 for a tenant's share)


def share_key(share: Share) -> Key:
    return (share.pool_code, share.tenant_id, 0 if share.tenant_id else share.partner_id)


def line_key(line: TitreLine) -> Key | None:
    """A titre line's key, that of the share it bills (`titres.remaining.targets_of`)."""
    return share_key(line.share) if line.share_id else None


@dataclass(frozen=True)
class Amount:
    """A positive amount to bill, or to give back, with the pool and recipient it comes from."""

    label: str
    base: str
    amount: Decimal
    key: Key
    share: Share | None = None


@dataclass(frozen=True)
class Reduction:
    """A line of a reduction titre: what it gives back, and the original line it reduces."""

    label: str
    base: str
    amount: Decimal
    reduces: TitreLine


@dataclass
class Plan:
    """What one debtor gets for one tenant (or as a member): charges, reductions, carry-over."""

    partner: Partner
    tenant: Tenant | None
    recipient: str
    charges: list[Amount] = field(default_factory=list)
    reductions: list[Reduction] = field(default_factory=list)
    original: RevenueTitle | None = None
    carried: Decimal = ZERO  # left to deduct from the next titres
    carried_reason: str = ""
    owed: Decimal = ZERO  # what the debtor owes on top, before any offset
    given_back: Decimal = ZERO  # what it is owed, before any offset

    @property
    def charges_total(self) -> Decimal:
        return sum((c.amount for c in self.charges), ZERO)

    @property
    def reductions_total(self) -> Decimal:
        return sum((r.amount for r in self.reductions), ZERO)

    @property
    def net(self) -> Decimal:
        return self.owed - self.given_back


# --- Pure steps ---------------------------------------------------------------------------------


def offset(items: list[Amount], total: Decimal, note: str) -> list[Amount]:
    """`items` less `total` (≤ their sum) taken in proportion, in cents by largest remainder;
    each line says what was taken from it, and lines brought to zero go."""
    if total <= ZERO:
        return items
    taken = split_cents(
        to_cents(total),
        [to_cents(i.amount) for i in items],
        [f"{n:06d}" for n in range(len(items))],
    )
    result = []
    for item, cents in zip(items, taken, strict=True):
        amount = item.amount - from_cents(cents)
        if amount <= ZERO:
            continue
        base = item.base
        if cents:
            base = f"{base} ; {note % {'amount': format_euros(from_cents(cents))}}"
        result.append(Amount(item.label, base, amount, item.key, item.share))
    return result


def assign(
    wanted: list[Amount], targets: list[Target], cap: Decimal
) -> tuple[list[Reduction], Decimal]:
    """Each amount given back onto the lines of the titre to reduce, never beyond what remains
    of a line nor `cap` (what remains of the titre): every amount on the line of its own pool
    first, then what is left (or has no line of its own) on the lines with the most left.
    Returns the reduction lines, in the order of `wanted`, and what no line could take."""
    taken: list[list[Reduction]] = [[] for _item in wanted]
    left = [item.amount for item in wanted]

    def take(index: int, target: Target) -> None:
        nonlocal cap
        amount = min(left[index], target.remaining, cap)
        if amount <= ZERO:
            return
        item = wanted[index]
        base = item.base
        if target.key != item.key:
            base = _("%(base)s ; imputé sur la ligne « %(line)s »") % {
                "base": base,
                "line": target.line.label,
            }
        taken[index].append(Reduction(item.label, base, amount, target.line))
        target.remaining -= amount
        cap -= amount
        left[index] -= amount

    for index, item in enumerate(wanted):
        for target in targets:
            if target.key == item.key:
                take(index, target)
    for index, item in enumerate(wanted):
        while left[index] > ZERO and cap > ZERO:
            others = [t for t in targets if t.key != item.key and t.remaining > ZERO]
            if not others:
                break
            take(index, min(others, key=lambda t: (-t.remaining, t.line.position)))
    return [line for lines in taken for line in lines], sum(left, ZERO)


def settle(
    plan: Plan, credits: list[Amount], targets: list[Target], cap: Decimal, net: bool
) -> Plan:
    """Fill `plan` from its charges (already set) and `credits`, as the module says."""
    plan.owed = plan.charges_total
    plan.given_back = sum((c.amount for c in credits), ZERO)
    if net and plan.owed >= plan.given_back:
        plan.charges = offset(
            plan.charges, plan.given_back, _("diminué de %(amount)s par compensation")
        )
        credits = []
    elif net:
        credits = offset(credits, plan.owed, _("diminué de %(amount)s par compensation"))
        plan.charges = []
    if not credits:
        return plan
    if plan.original is None:
        plan.carried = sum((c.amount for c in credits), ZERO)
        plan.carried_reason = _("aucun titre annuel émis à réduire")
        return plan
    plan.reductions, plan.carried = assign(credits, targets, cap)
    if plan.carried:
        plan.carried_reason = _("plus rien à réduire sur le titre n° %(reference)s") % {
            "reference": plan.original.reference
        }
    return plan


# --- Reads --------------------------------------------------------------------------------------


def _first_tenants(keys) -> dict[int, int]:
    """The first tenant (lowest id) each partner pays, from (partner id, tenant id) pairs."""
    first_tenant: dict[int, int] = {}
    for partner_id, tenant_id in sorted(keys, key=lambda key: (key[0], key[1] or 0)):
        if tenant_id is not None:
            first_tenant.setdefault(partner_id, tenant_id)
    return first_tenant


def fold_members(
    groups: dict[tuple[int, int | None], list], first_tenant: dict[int, int] | None = None
) -> dict[tuple[int, int | None], list]:
    """Member-level lines ride on the titre of the first tenant the member pays, if any."""
    first_tenant = _first_tenants(groups) | (first_tenant or {})
    folded: dict[tuple[int, int | None], list] = defaultdict(list)
    for (partner_id, tenant_id), items in groups.items():
        folded[(partner_id, tenant_id or first_tenant.get(partner_id))].extend(items)
    return folded


def billed_tenants(billed: AllocationRun) -> dict[int, int]:
    """The tenant whose annual titre carried each member's share."""
    pairs = (
        billed.shares.filter(borne_by_coordinator=False, tenant__isnull=False)
        .exclude(amount=0)
        .values_list("partner_id", "tenant_id")
    )
    return _first_tenants(pairs)


def plans_for(
    groups: dict[tuple[int, int | None], tuple[list[Amount], list[Amount]]],
    *,
    billed: AllocationRun | None,
    net: bool,
) -> list[Plan]:
    """One plan per (debtor, tenant) from its charges and credits, against the annual titres of
    `billed` (the budget run the year was billed on)."""
    tenants = Tenant.objects.in_bulk([t for _p, t in groups if t is not None])
    partners = Partner.objects.in_bulk([p for p, _t in groups])
    originals: dict[tuple[int, int | None], RevenueTitle] = {}
    if billed is not None and billed.locked_at is not None:
        # The issued titre of each recipient from the billed run, the first by number.
        annual = titre_selectors.annual_titres(billed.pk).filter(
            debtor_id__in=sorted({p for p, _t in groups})
        )
        for titre in annual.defer("snapshot").order_by("-number"):
            if (titre.debtor_id, titre.tenant_id) in groups:
                originals[(titre.debtor_id, titre.tenant_id)] = titre
    targets, caps = targets_of(originals.values(), key=line_key)
    plans = []
    for (partner_id, tenant_id), (charges, credits) in groups.items():
        partner, tenant = partners[partner_id], tenants.get(tenant_id)
        original = originals.get((partner_id, tenant_id))
        plan = Plan(
            partner=partner,
            tenant=tenant,
            recipient=tenant.code if tenant else partner.short_name,
            charges=charges,
            original=original,
        )
        plan_targets = targets.get(original.pk, []) if original else []
        settle(plan, credits, plan_targets, caps.get(original.pk, ZERO) if original else ZERO, net)
        plans.append(plan)
    return sorted(plans, key=lambda p: (p.partner.name, p.recipient))


def trueup_lines(billed, actual, debtor_ids=None) -> list[recap.TrueUpLine]:
    """`recap.true_up`'s lines, all of them or those these debtors owe."""
    if debtor_ids is None:
        return recap.true_up(billed, actual)
    ids = set(debtor_ids)
    scope = trueup_totals.scope_of(billed, actual, ids)
    return [line for line in recap.true_up(billed, actual, scope=scope) if line.partner.pk in ids]


def trueup_plans(
    billed: AllocationRun, actual: AllocationRun, *, net: bool, debtor_ids=None, lines=None
) -> list[Plan]:
    """Actual − billed per debtor and tenant (the coordinator's own shares make no titre).

    `debtor_ids`: only these debtors' plans (a page of them); a debtor's plans depend on its
    own lines and titres only. `lines`: those debtors' lines, when already read."""
    groups: dict[tuple[int, int | None], list[recap.TrueUpLine]] = defaultdict(list)
    if lines is None:
        lines = trueup_lines(billed, actual, debtor_ids)
    for line in lines:
        if line.borne_by_coordinator or not line.difference:
            continue
        groups[(line.partner.pk, line.tenant.pk if line.tenant else None)].append(line)
    groups = fold_members(groups, billed_tenants(billed))
    amounts = {}
    for group_key, lines in groups.items():
        charges, credits = [], []
        for line in lines:
            if line.tenant is not None:
                key = (line.pool_code, line.tenant.pk, 0)
            else:
                key = (line.pool_code, None, line.partner.pk)
            item = Amount(
                label=f"{line.pool_label} — {line.recipient_code}",
                base=_("facturé %(billed)s, réel %(actual)s")
                % {
                    "billed": format_euros(line.billed or ZERO),
                    "actual": format_euros(line.actual or ZERO),
                },
                amount=abs(line.difference),
                key=key,
            )
            (charges if line.difference > ZERO else credits).append(item)
        amounts[group_key] = (charges, credits)
    return plans_for(amounts, billed=billed, net=net)
