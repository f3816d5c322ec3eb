"""Cost pools, the vendor invoices charged to them and the staff time declared on them."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import (
    AllocationKey,
    CostPool,
    Expense,
    PoolCategory,
    SpreadOn,
    StaffTime,
    TariffLine,
    TariffLineKind,
)
from ligeris.lib.services import save_validated as save
from titres.models import FiscalYear
from titres.money import format_euros

#: Grid lines that give a pool its budget when the pool has the same code.
BUDGET_LINE_KINDS = (
    TariffLineKind.POOL_BUDGET,
    TariffLineKind.SETUP,
    TariffLineKind.WITHDRAWAL,
    TariffLineKind.REVERSIBILITY,
)


def _staff_cap(pool: CostPool) -> Decimal | None:
    line = TariffLine.objects.filter(
        grid__fiscal_year=pool.fiscal_year, kind=TariffLineKind.STAFF_CAP
    ).first()
    return line.amount if line is not None else None


def _other_staff_budgets(pool: CostPool) -> Decimal:
    others = CostPool.objects.filter(fiscal_year=pool.fiscal_year, key=AllocationKey.STAFF_TIME)
    if pool.pk:
        others = others.exclude(pk=pool.pk)
    return others.aggregate(total=Sum("budget_amount"))["total"] or Decimal(0)


def _grid_budget(pool: CostPool) -> Decimal:
    """A pool left without budget takes it from the year's grid.

    The grid line with the pool's code, or, for staff time, what the other staff-time pools
    leave of the grid's annual cap.
    """
    lines = TariffLine.objects.filter(grid__fiscal_year=pool.fiscal_year)
    line = lines.filter(code=pool.code, kind__in=BUDGET_LINE_KINDS).first()
    if line is not None:
        return line.amount
    room = staff_budget_room(pool) if pool.key == AllocationKey.STAFF_TIME else None
    return room if room is not None else Decimal(0)


def staff_budget_room(pool: CostPool) -> Decimal | None:
    """What the other staff-time pools of the year leave of the cap (None: no cap)."""
    cap = _staff_cap(pool)
    return None if cap is None else max(cap - _other_staff_budgets(pool), Decimal(0))


def _check_staff_cap(pool: CostPool) -> None:
    """The cap of annex 1 is one yearly amount for all the coordinator's staff time."""
    if pool.key != AllocationKey.STAFF_TIME or pool.budget_amount is None:
        return
    FiscalYear.objects.select_for_update().get(pk=pool.fiscal_year_id)  # one check at a time
    cap = _staff_cap(pool)
    if cap is None:
        return
    total = pool.budget_amount + _other_staff_budgets(pool)
    if total > cap:
        raise ValidationError(
            {
                "budget_amount": _(
                    "Le budget du temps RH du coordonnateur ne peut dépasser le plafond annuel "
                    "de la grille (annexe 1) : %(cap)s pour l'exercice, tous postes de temps RH "
                    "confondus (%(total)s demandés)."
                )
                % {"cap": format_euros(cap), "total": format_euros(total)}
            }
        )


@transaction.atomic
def pool_save(*, pool: CostPool, **fields: Any) -> CostPool:
    for name, value in fields.items():
        setattr(pool, name, value)
    consortium_id = pool.fiscal_year.consortium_id
    target = pool.direct_tenant or pool.direct_partner
    if target is not None and target.consortium_id != consortium_id:
        raise ValidationError(
            _("L'imputation directe vise un tenant ou partenaire d'un autre groupement.")
        )
    if not pool.budget_amount:
        pool.budget_amount = _grid_budget(pool)
    _check_staff_cap(pool)
    if pool.pk and pool.key != AllocationKey.STAFF_TIME and pool.staff_times.exists():
        raise ValidationError(
            {"key": _("Ce poste porte du temps RH déclaré : sa clé reste « temps RH ».")}
        )
    return save(pool)


def _check_in_year(pool: CostPool, day, field: str) -> None:
    if day is not None and day.year != pool.fiscal_year.year:
        raise ValidationError(
            {
                field: _("La date doit appartenir à l'exercice %(year)s.")
                % {"year": pool.fiscal_year.year}
            }
        )


@transaction.atomic
def expense_save(*, expense: Expense, **fields: Any) -> Expense:
    for name, value in fields.items():
        setattr(expense, name, value)
    _check_in_year(expense.pool, expense.invoice_date, "invoice_date")
    if (
        expense.amount is not None
        and expense.amount < 0
        and expense.pool.category != PoolCategory.LITIGATION
    ):
        raise ValidationError(
            {
                "amount": _(
                    "Un montant négatif (pénalité reçue d'un prestataire) ne s'impute que sur un "
                    "poste « conséquence de contentieux »."
                )
            }
        )
    return save(expense)


@transaction.atomic
def staff_time_save(*, staff_time: StaffTime, **fields: Any) -> StaffTime:
    for name, value in fields.items():
        setattr(staff_time, name, value)
    if staff_time.pool.key != AllocationKey.STAFF_TIME:
        raise ValidationError(_("Le temps RH se déclare sur un poste de clé « temps RH »."))
    _check_in_year(staff_time.pool, staff_time.period_end, "period_end")
    return save(staff_time)


@transaction.atomic
def expense_delete(*, expense: Expense) -> None:
    """A mistaken invoice line goes; runs already computed keep the amounts they used."""
    expense.delete()


@transaction.atomic
def staff_time_delete(*, staff_time: StaffTime) -> None:
    """A mistaken declaration goes; runs already computed keep the days they used."""
    staff_time.delete()


@transaction.atomic
def direct_charge_record(
    *,
    fiscal_year: FiscalYear,
    partner,
    code: str,
    label: str,
    category: str,
    amount: Decimal,
    invoice_date,
    vendor: str,
    reference: str = "",
    tenant=None,
    spread_on: str = SpreadOn.SPECIFIC,
) -> CostPool:
    """Costs borne by one partner (or one tenant, whose payer is billed) alone: a direct pool
    aimed at it, with the expense behind it.

    Spread by default on a specific run, so the partner is billed for it without waiting for the
    year's actual run; `SpreadOn.ACTUAL` puts it on its next titre instead. Whatever decided the
    charge (an exclusion, a withdrawal, a purchase order), billing only knows the amount and who
    owes it.
    """
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Le montant des frais doit être positif.")})
    pool = pool_save(
        pool=CostPool(fiscal_year=fiscal_year),
        code=code,
        label=label,
        category=category,
        key=AllocationKey.DIRECT,
        spread_on=spread_on,
        direct_partner=None if tenant is not None else partner,
        direct_tenant=tenant,
        budget_amount=amount,
    )
    expense_save(
        expense=Expense(pool=pool),
        invoice_date=invoice_date,
        vendor=vendor,
        reference=reference,
        description=label[:300],
        amount=amount,
    )
    return pool


def grid_fee_expense(*, pool: CostPool, line: TariffLine, day=None) -> Expense:
    """A grid fee (set-up, withdrawal, reversibility) is its own cost: one expense of the grid's
    price on its direct pool, so the actual run bills it like the budget run and the true-up does
    not hand it back for want of a vendor invoice."""
    return expense_save(
        expense=Expense(pool=pool),
        invoice_date=day or timezone.localdate(),
        vendor=_("Grille tarifaire %(year)s") % {"year": pool.fiscal_year.year},
        reference=line.code,
        amount=line.amount,
        description=line.label[:300],
    )


def _pool_code(fiscal_year: FiscalYear, base: str) -> str:
    """A free pool code of at most 30 characters built on `base`."""
    code, n = base[:30], 2
    while fiscal_year.pools.filter(code=code).exists():
        suffix = f"-{n}"
        code, n = base[: 30 - len(suffix)] + suffix, n + 1
    return code


def newcomer_setup_lines(fiscal_year: FiscalYear) -> list[TariffLine]:
    """The grid's set-up lines a newcomer owes alone (article 7: new tenant, migration…).

    A set-up line that gives a shared pool its budget (the common installation, split equally)
    is not the newcomer's own.
    """
    shared = set(fiscal_year.pools.exclude(key=AllocationKey.DIRECT).values_list("code", flat=True))
    lines = TariffLine.objects.filter(grid__fiscal_year=fiscal_year, kind=TariffLineKind.SETUP)
    return [line for line in lines.order_by("code") if line.code not in shared]


def per_tenant(line: TariffLine) -> bool:
    """A line priced per tenant (unit « €/tenant ») is charged once per new tenant."""
    return "tenant" in line.unit.lower()


@transaction.atomic
def setup_charges_create(*, fiscal_year: FiscalYear, partner, tenants) -> list[CostPool]:
    """The newcomer's set-up lines of the grid as direct charges of `fiscal_year`.

    Per-tenant lines go to each new tenant (its payer is billed), the others to the partner.
    They are spread on the budget and the actual runs (`SpreadOn.ALL`): the budget run bills them
    in advance with the newcomer's first titre, the true-up settles them on the invoices.
    """
    pools = []
    for line in newcomer_setup_lines(fiscal_year):
        targets = [("direct_tenant", t) for t in tenants] if per_tenant(line) else []
        targets = targets or [("direct_partner", partner)]
        for field, target in targets:
            name = target.code if field == "direct_tenant" else str(partner.pk)
            pool = pool_save(
                pool=CostPool(fiscal_year=fiscal_year),
                code=_pool_code(fiscal_year, f"{line.code}-{name}"),
                label=f"{line.label} — {target.name}"[:200],
                category=PoolCategory.SETUP,
                key=AllocationKey.DIRECT,
                budget_amount=line.amount,
                spread_on=SpreadOn.ALL,
                **{field: target},
            )
            grid_fee_expense(pool=pool, line=line)
            pools.append(pool)
    return pools
