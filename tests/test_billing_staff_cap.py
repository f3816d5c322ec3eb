"""The staff-time cap of annex 1 holds everywhere: budgets, invoices on a staff-time pool, and
one yearly amount for all the coordinator's staff time whatever the number of pools.

The world's grid: 450 € a day, a 12 000 € yearly cap; its `rh` pool is budgeted 12 000 €.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import selectors
from billing.models import (
    AllocationKey,
    CostPool,
    Expense,
    RunKind,
    StaffTime,
    TariffLine,
    TariffLineKind,
)
from billing.services import costs, grids, runs

CAP = "12\u202f000,00\u00a0€"


def _staff_pool(year, code="rh2", budget="0") -> CostPool:
    return costs.pool_save(
        pool=CostPool(fiscal_year=year.fiscal_year),
        code=code,
        label="Temps RH du coordonnateur (projets)",
        key=AllocationKey.STAFF_TIME,
        budget_amount=Decimal(budget),
    )


def _days(pool: CostPool, days: str) -> None:
    costs.staff_time_save(
        staff_time=StaffTime(pool=pool), period_end=datetime.date(2026, 12, 31), days=Decimal(days)
    )


def _invoice(pool: CostPool, amount: str) -> None:
    costs.expense_save(
        expense=Expense(pool=pool),
        invoice_date=datetime.date(2026, 9, 30),
        vendor="Cabinet d'appui",
        reference="AMO-2026-01",
        amount=Decimal(amount),
    )


def _amounts(year) -> dict[str, selectors.PoolAmount]:
    return {a.pool.code: a for a in selectors.pool_amounts(year.fiscal_year)}


def test_a_staff_time_budget_above_the_cap_is_refused_with_the_cap(billing_year):
    rh = billing_year.rh
    with pytest.raises(ValidationError) as info:
        costs.pool_save(pool=rh, budget_amount=Decimal("15000"))
    (message,) = info.value.message_dict["budget_amount"]
    assert f"plafond annuel de la grille (annexe 1) : {CAP}" in message
    assert "15\u202f000,00\u00a0€ demandés" in message
    rh.refresh_from_db()
    assert rh.budget_amount == Decimal("12000.00")
    costs.pool_save(pool=rh, budget_amount=Decimal("12000"))  # the cap itself is allowed


def test_two_staff_time_pools_share_one_cap(billing_year):
    costs.pool_save(pool=billing_year.rh, budget_amount=Decimal("9000"))
    with pytest.raises(ValidationError, match="tous postes de temps RH confondus"):
        _staff_pool(billing_year, budget="3000.01")
    assert not CostPool.objects.filter(code="rh2").exists()
    rh2 = _staff_pool(billing_year, budget="3000")
    # Budget run: 9 000 + 3 000 = the cap, nothing brought down.
    budget = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    staff = [p for p in budget.inputs["pools"] if p["key"] == AllocationKey.STAFF_TIME]
    assert [(p["code"], p["amount"], p["detail"]) for p in staff] == [
        ("rh", "9000.00", ""),
        ("rh2", "3000.00", ""),
    ]
    # Actuals: 30 days (13 500 €) on rh, 10 days (4 500 €) on rh2: 18 000 € brought down to
    # the one cap of 12 000 €, in proportion: 9 000 € and 3 000 €.
    _days(billing_year.rh, "30")
    _days(rh2, "10")
    amounts = _amounts(billing_year)
    assert (amounts["rh"].actual, amounts["rh2"].actual) == (Decimal("9000.00"), Decimal("3000.00"))
    note = "18\u202f000,00\u00a0€ sur 2 postes de temps RH ramenés à " + CAP
    assert note in amounts["rh"].actual_detail and note in amounts["rh2"].actual_detail
    actual = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    staff_shares = actual.shares.filter(key=AllocationKey.STAFF_TIME)
    assert sum(s.amount for s in staff_shares) == Decimal("12000.00")
    details = {p["code"]: p["detail"] for p in actual.inputs["pools"]}
    assert note in details["rh"] and note in details["rh2"]


def test_invoices_on_a_staff_time_pool_count_inside_the_cap(billing_year):
    # 20 days × 450 € = 9 000 €, plus a 5 000 € invoice: 14 000 €, capped at 12 000 €.
    _days(billing_year.rh, "20")
    _invoice(billing_year.rh, "5000")
    rh = _amounts(billing_year)["rh"]
    assert rh.actual == Decimal("12000.00")
    assert rh.actual_detail == (
        "20 j × 450,00\u00a0€ = 9\u202f000,00\u00a0€ + 1 dépense (5\u202f000,00\u00a0€) ; "
        f"plafonné à {CAP} (plafond annuel du temps RH, annexe 1 ; "
        "14\u202f000,00\u00a0€ demandés)"
    )
    actual = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    assert sum(s.amount for s in actual.shares.filter(pool_code="rh")) == Decimal("12000.00")
    # Under the cap, the invoice adds up plainly and nothing is said of the cap.
    billing_year.rh.expenses.all().delete()
    _invoice(billing_year.rh, "1000")
    rh = _amounts(billing_year)["rh"]
    assert rh.actual == Decimal("10000.00") and "plafon" not in rh.actual_detail


def test_the_cap_cannot_be_lowered_below_the_staff_time_budgets(billing_year):
    line = billing_year.fiscal_year.grid.lines.get(kind=TariffLineKind.STAFF_CAP)
    with pytest.raises(ValidationError) as info:
        grids.tariff_line_save(line=line, amount=Decimal("11999.99"))
    assert "totalisent 12\u202f000,00\u00a0€" in info.value.message_dict["amount"][0]
    assert TariffLine.objects.get(pk=line.pk).amount == Decimal("12000.00")


def test_the_run_explains_when_the_cap_applied(billing_year, client_for):
    _days(billing_year.rh, "30")  # 13 500 €
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.ACTUAL)
    client = client_for("finance")
    page = client.get(reverse("billing:run_detail", args=[run.pk])).text
    assert f"plafonné à {CAP}" in page
    share = run.shares.filter(pool_code="rh").first()
    page = client.get(reverse("billing:share_detail", args=[share.pk])).text
    assert f"plafonné à {CAP}" in page


def test_the_pool_form_refuses_a_budget_above_the_cap(billing_year, client_for):
    response = client_for("finance").post(
        reverse("billing:pool_update", args=[billing_year.rh.pk]),
        {
            "code": "rh",
            "label": "Temps RH du coordonnateur",
            "category": "operation",
            "key": "staff_time",
            "budget_amount": "15000",
            "spread_on": "all",
        },
    )
    assert response.status_code == 200
    assert "ne peut dépasser le plafond annuel" in response.text
    billing_year.rh.refresh_from_db()
    assert billing_year.rh.budget_amount == Decimal("12000.00")
