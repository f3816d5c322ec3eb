"""Withdrawal (article 8): the notice, its effective date, the partner's last year's bill.

The year scenario of issue 13: Blois (partner A) gives notice received on 10 May 2026, leaves on
10 August 2026, pays its withdrawal fees and 8/12 of its operating and equal shares; the true-up
refunds it no more than it was billed for the months it no longer gets the service.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import recap
from billing.models import (
    AllocationKey,
    CostPool,
    Expense,
    PoolCategory,
    RunKind,
    Share,
    TariffLine,
    TariffLineKind,
)
from billing.services import costs, grids, runs
from governance.models import Seat
from membership.models import WithdrawalNotice
from membership.services.withdrawal import (
    add_months,
    effective_date,
    notice_milestones_save,
    notice_record,
    withdrawal_apply,
    withdrawals_apply_due,
)
from membership.tasks import apply_due_withdrawals
from partners.models import PartnerStatus, Tenant

MAY_10 = datetime.date(2026, 5, 10)
AUG_10 = datetime.date(2026, 8, 10)


def _year_2026(world, year=2026):
    """Grid: hosting 12 000 € per tenant, common installation 3 000 € equal per member, and a
    withdrawal fee of 1 500 €. No tenant volume, no staff time: every cent can be followed."""
    fiscal_year = grids.fiscal_year_create(consortium=world.consortium, year=year)
    for code, label, kind, amount in (
        ("heb", "Hébergement", TariffLineKind.POOL_BUDGET, "12000"),
        ("inst", "Installation commune", TariffLineKind.SETUP, "3000"),
        ("frais-retrait", "Frais de retrait", TariffLineKind.WITHDRAWAL, "1500"),
    ):
        grids.tariff_line_save(
            line=TariffLine(grid=fiscal_year.grid),
            code=code,
            label=label,
            kind=kind,
            amount=Decimal(amount),
            unit="€",
        )
    pools = {}
    for code, key, category in (
        ("heb", AllocationKey.PER_TENANT, PoolCategory.OPERATION),
        ("inst", AllocationKey.EQUAL_PER_MEMBER, PoolCategory.SETUP),
    ):
        pools[code] = costs.pool_save(
            pool=CostPool(fiscal_year=fiscal_year),
            code=code,
            label=code,
            key=key,
            category=category,
        )
    return fiscal_year, pools


def _invoice(pool, amount):
    costs.expense_save(
        expense=Expense(pool=pool),
        invoice_date=datetime.date(2026, 11, 30),
        vendor="Prestataire SAE",
        amount=Decimal(amount),
    )


def _by_partner(run, partner, pool_code=None):
    shares = Share.objects.filter(run=run, partner=partner)
    if pool_code:
        shares = shares.filter(pool_code=pool_code)
    return sum((s.amount for s in shares), Decimal(0))


# --- Effective dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 5, 10), 3, datetime.date(2026, 8, 10)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),  # no 30 February
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),  # leap year
        (datetime.date(2026, 10, 31), 2, datetime.date(2026, 12, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_effective_date_three_months_after_receipt(world):
    assert effective_date(world.consortium, MAY_10) == AUG_10


@pytest.mark.parametrize(
    ("received", "effective"),
    [
        (datetime.date(2026, 5, 10), datetime.date(2027, 1, 1)),
        (datetime.date(2026, 10, 15), datetime.date(2028, 1, 1)),  # 15 January 2027 is past
        (datetime.date(2026, 10, 1), datetime.date(2027, 1, 1)),  # exactly three months
    ],
)
def test_effective_date_under_the_seed_004_rule(world, received, effective):
    world.consortium.withdrawal_on_january = True
    world.consortium.save(update_fields=["withdrawal_on_january"])
    assert effective_date(world.consortium, received) == effective
    notice = notice_record(partner=world.partner_a, received_on=received, today=received)
    assert notice.effective_on == effective


def test_a_withdrawal_on_1_january_bills_the_whole_old_year_and_nothing_of_the_new(world):
    # The effective date is the first day out: the tenant's last day is 31 December, and the
    # new year's equal shares and hosting owe nothing for January.
    world.consortium.withdrawal_on_january = True
    world.consortium.save(update_fields=["withdrawal_on_january"])
    a = world.partner_a
    notice = notice_record(partner=a, received_on=MAY_10, today=MAY_10)
    assert notice.effective_on == datetime.date(2027, 1, 1)
    old_year, _pools = _year_2026(world)
    old = runs.run_create(fiscal_year=old_year, kind=RunKind.BUDGET)
    assert _by_partner(old, a, "inst") == Decimal("1000.00")  # 3 000 € over 3, 12 months each
    assert withdrawal_apply(notice=notice, today=datetime.date(2027, 1, 1))
    assert Tenant.objects.get(pk=world.tenant_a.pk).closed_on == datetime.date(2026, 12, 31)
    new_year, _pools = _year_2026(world, year=2027)
    new = runs.run_create(fiscal_year=new_year, kind=RunKind.BUDGET)
    assert _by_partner(new, a) == Decimal("0")
    assert _by_partner(new, world.partner_b, "inst") == Decimal("1500.00")  # 3 000 € over 2


def test_effective_date_follows_the_conventions_notice(world):
    convention = world.consortium.conventions.get()
    convention.notice_months = 6
    convention.save(update_fields=["notice_months"])
    assert effective_date(world.consortium, MAY_10) == datetime.date(2026, 11, 10)


# --- Refusals ----------------------------------------------------------------------------------


def test_a_notice_dated_in_the_future_is_refused_and_nothing_is_saved(world):
    _year_2026(world)
    with pytest.raises(ValidationError) as refused:
        notice_record(
            partner=world.partner_a, received_on=MAY_10, today=MAY_10 - datetime.timedelta(days=1)
        )
    assert refused.value.message_dict["received_on"] == [
        "La date de réception du préavis (10/05/2026) est dans le futur : un préavis "
        "s'enregistre une fois reçu."
    ]
    world.partner_a.refresh_from_db()
    assert world.partner_a.status == PartnerStatus.MEMBER
    assert world.partner_a.member_until is None
    assert not WithdrawalNotice.objects.exists()
    assert not CostPool.objects.filter(category=PoolCategory.WITHDRAWAL).exists()


def test_only_a_member_gives_notice_once(world):
    notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    with pytest.raises(ValidationError, match="n'est pas membre du groupement"):
        notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    with pytest.raises(ValidationError, match="Le coordonnateur ne peut se retirer"):
        notice_record(partner=world.coordinator, received_on=MAY_10, today=MAY_10)
    assert WithdrawalNotice.objects.count() == 1


def test_a_withdrawal_is_not_applied_before_its_date(world):
    notice = notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    with pytest.raises(ValidationError, match="ne prend effet que le 10/08/2026"):
        withdrawal_apply(notice=notice, today=AUG_10 - datetime.timedelta(days=1))
    world.partner_a.refresh_from_db()
    assert world.partner_a.status == PartnerStatus.WITHDRAWING


def test_data_return_milestones_in_order(world):
    notice = notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    with pytest.raises(ValidationError) as refused:
        notice_milestones_save(
            notice=notice,
            data_requested_on=datetime.date(2026, 8, 1),
            data_delivered_on=datetime.date(2026, 7, 1),
            data_confirmed_on=None,
            today=AUG_10,
        )
    assert refused.value.message_dict["data_delivered_on"] == [
        "Les données sont remises après la demande de restitution."
    ]
    notice.refresh_from_db()
    assert notice.data_requested_on is None
    notice = notice_milestones_save(
        notice=notice,
        data_requested_on=datetime.date(2026, 7, 1),
        data_delivered_on=datetime.date(2026, 8, 1),
        data_confirmed_on=AUG_10,
        today=AUG_10,
    )
    assert (notice.data_requested_on, notice.data_confirmed_on) == (
        datetime.date(2026, 7, 1),
        AUG_10,
    )


# --- The year of a withdrawal ------------------------------------------------------------------


def test_the_year_of_a_withdrawal_to_the_cent(world, copil):
    """Blois (A) pays blois; Agglopolys (B) pays agglo and blaisois (co-held by A); the
    coordinator pays cd37. All four tenants have been open since 2024."""
    fiscal_year, pools = _year_2026(world)
    a, b, c = world.partner_a, world.partner_b, world.coordinator

    # January: the budget run, before any notice. Hosting 12 000 € over 4 tenants × 12 months
    # = 48 tenant-months: 3 000,00 € each. Installation 3 000 € over 3 members: 1 000,00 € each.
    budget = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    assert _by_partner(budget, a, "heb") == Decimal("3000.00")
    assert _by_partner(budget, a, "inst") == Decimal("1000.00")
    assert _by_partner(budget, a) == Decimal("4000.00")

    # 10 May: the registered letter. Effective 10 August; Blois is withdrawing until then and
    # the grid's withdrawal fee (1 500 €) is charged to it directly, budget and invoice alike.
    notice = notice_record(
        partner=a, received_on=MAY_10, reference="1A 234 567 8901 2", today=MAY_10
    )
    assert notice.effective_on == AUG_10
    a.refresh_from_db()
    assert (a.status, a.member_until) == (PartnerStatus.WITHDRAWING, AUG_10)
    fee = CostPool.objects.get(category=PoolCategory.WITHDRAWAL)
    assert (fee.key, fee.direct_partner, fee.budget_amount) == ("direct", a, Decimal("1500.00"))

    # A budget run after the notice already prorates the equal share: 8 months (January to
    # August) against 12 + 12 → 3 000 € × 8/32 = 750,00 €; the tenant is still open: 3 000 €.
    second = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    assert _by_partner(second, a, "inst") == Decimal("750.00")
    assert _by_partner(second, a, fee.code) == Decimal("1500.00")
    share = Share.objects.get(run=second, partner=a, pool_code="inst")
    assert share.explanation() == "1 membre sur 3, 8/12 mois de participation"

    # 10 August: the withdrawal applies. blois closes; blaisois stays open with Agglopolys (a
    # member still holds it) and Blois's holding goes; Blois's seat ends.
    assert withdrawal_apply(notice=notice, today=AUG_10) is True
    a.refresh_from_db()
    assert a.status == PartnerStatus.WITHDRAWN
    assert Tenant.objects.get(pk=world.tenant_a.pk).closed_on == datetime.date(2026, 8, 9)
    shared = Tenant.objects.get(pk=world.tenant_shared.pk)
    assert shared.closed_on is None
    assert list(shared.holdings.values_list("partner", flat=True)) == [b.pk]
    assert not Seat.objects.filter(partner=a, is_active=True).exists()
    assert Seat.objects.filter(body=copil.body, is_active=True).count() == 2

    # Year end: the invoices equal the budgets (12 000 € and 3 000 €).
    _invoice(pools["heb"], "12000")
    _invoice(pools["inst"], "3000")
    actual = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.ACTUAL)

    # Hosting: blois 8 months (to the end of August), the three others 12: 44 tenant-months.
    # 1 200 000 c × 8/44 = 218 181,81… c, × 12/44 = 327 272,72… c: floors sum to 1 199 997 c;
    # the 3 cents left go to the largest remainders, blois (36/44) then agglo and blaisois
    # (32/44, ties by code): blois 2 181,82 €; agglo 3 272,73 €; blaisois 3 272,73 €; cd37
    # 3 272,72 €. Blois pays 8/12 of a full tenant's share (3 272,73 × 8/12 = 2 181,82).
    heb = {s.tenant.code: s.amount for s in Share.objects.filter(run=actual, pool_code="heb")}
    assert heb == {
        "blois": Decimal("2181.82"),
        "agglo": Decimal("3272.73"),
        "blaisois": Decimal("3272.73"),
        "cd37": Decimal("3272.72"),
    }
    # Installation: Blois 8 months, Agglopolys and the coordinator 12: 32 member-months.
    # 3 000 € × 8/32 = 750,00 € (8/12 of a full member's 1 125,00 €); 1 125,00 € each other.
    inst = {s.partner_id: s.amount for s in Share.objects.filter(run=actual, pool_code="inst")}
    assert inst == {a.pk: Decimal("750.00"), b.pk: Decimal("1125.00"), c.pk: Decimal("1125.00")}
    # The fee, charged directly though Blois is now withdrawn: 1 500,00 €.
    assert _by_partner(actual, a, fee.code) == Decimal("1500.00")
    # Blois's year: 2 181,82 + 750,00 + 1 500,00 = 4 431,82 €.
    assert _by_partner(actual, a) == Decimal("4431.82")
    assert sum(s.amount for s in Share.objects.filter(run=actual)) == Decimal("16500.00")

    # The true-up against the January budget. Blois was billed 3 000 € hosting and 1 000 €
    # installation for 12 months; it had 4 months (September to December) of neither.
    lines = [line for line in recap.true_up(budget, actual) if line.partner == a]
    by_pool = {
        line.pool_code: line.actual - line.billed for line in lines if line.billed is not None
    }
    # Hosting: 2 181,82 − 3 000,00 = −818,18 € refunded, less than the 4/12 × 3 000 = 1 000,00 €
    # of hosting not performed. Installation: 750,00 − 1 000,00 = −250,00 €, less than 4/12 ×
    # 1 000 = 333,33 €: the whole equal share (1 000 €) is not refunded, as it was before.
    assert by_pool == {"heb": Decimal("-818.18"), "inst": Decimal("-250.00")}
    for pool_code, billed in (("heb", Decimal("3000.00")), ("inst", Decimal("1000.00"))):
        assert -by_pool[pool_code] <= (billed * 4 / 12).quantize(Decimal("0.01"))
    # With the fee (not budgeted in January): Blois owes 4 431,82 − 4 000,00 = 431,82 € more.
    assert sum(line.actual - (line.billed or 0) for line in lines) == Decimal("431.82")


def test_a_partner_withdrawn_before_the_year_shares_nothing(world):
    fiscal_year, _pools = _year_2026(world)
    received = datetime.date(2025, 9, 1)
    notice = notice_record(partner=world.partner_a, received_on=received, today=received)
    withdrawal_apply(notice=notice, today=datetime.date(2025, 12, 1))
    run = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    assert _by_partner(run, world.partner_a) == Decimal(0)
    # 3 000 € between the two remaining members.
    assert _by_partner(run, world.partner_b, "inst") == Decimal("1500.00")


def test_a_direct_charge_reaches_an_excluded_partner(world):
    """Before: « vise un tenant ou un partenaire hors répartition », the run failed."""
    from membership.services.status import status_set

    fiscal_year, _pools = _year_2026(world)
    status_set(partner=world.partner_b, status=PartnerStatus.EXCLUDED)
    pool = costs.pool_save(
        pool=CostPool(fiscal_year=fiscal_year),
        code="exclusion",
        label="Frais d'exclusion",
        key=AllocationKey.DIRECT,
        category=PoolCategory.WITHDRAWAL,
        direct_partner=world.partner_b,
        budget_amount=Decimal("800"),
    )
    run = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    assert _by_partner(run, world.partner_b, pool.code) == Decimal("800.00")
    # Excluded without an end date: outside the equal shares (3 000 € between A and C).
    assert _by_partner(run, world.partner_b, "inst") == Decimal(0)
    assert _by_partner(run, world.partner_a, "inst") == Decimal("1500.00")


def test_a_member_admitted_in_the_year_shares_from_the_month_after(world):
    from partners import services as partner_services

    fiscal_year, _pools = _year_2026(world)
    partner_services.partner_save(partner=world.partner_b, member_since=datetime.date(2026, 3, 15))
    run = runs.run_create(fiscal_year=fiscal_year, kind=RunKind.BUDGET)
    # B from April: 9 months; A and C 12: 33. 300 000 c × 9/33 = 81 818,18 c, × 12/33 =
    # 109 090,90 c: floors 81 818 + 2 × 109 090 = 299 998; 2 cents to the largest remainders,
    # A and C (30/33 > 6/33): 818,18 €, 1 090,91 €, 1 090,91 €.
    assert _by_partner(run, world.partner_b, "inst") == Decimal("818.18")
    assert _by_partner(run, world.partner_a, "inst") == Decimal("1090.91")
    assert _by_partner(run, world.coordinator, "inst") == Decimal("1090.91")


# --- The daily task ----------------------------------------------------------------------------


def test_the_daily_task_applies_due_withdrawals_once(world):
    notice = notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    may_20 = datetime.date(2026, 5, 20)
    later = notice_record(partner=world.partner_b, received_on=may_20, today=may_20)
    assert withdrawals_apply_due(today=AUG_10 - datetime.timedelta(days=1)) == 0
    assert withdrawals_apply_due(today=AUG_10) == 1  # A's; B's takes effect on 20 August
    assert withdrawals_apply_due(today=AUG_10) == 0
    notice.refresh_from_db()
    later.refresh_from_db()
    assert notice.applied_at is not None and later.applied_at is None
    world.partner_b.refresh_from_db()
    assert world.partner_b.status == PartnerStatus.WITHDRAWING
    # The beat task takes ids or nothing (then today): A's is done, B's is due by now.
    assert apply_due_withdrawals.apply(kwargs={"notice_ids": [notice.pk]}).get() == 0
    assert apply_due_withdrawals.apply().get() == 1
    assert apply_due_withdrawals.apply().get() == 0
    world.partner_b.refresh_from_db()
    assert world.partner_b.status == PartnerStatus.WITHDRAWN
