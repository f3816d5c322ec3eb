"""The stored balance of each issued titre (`titres.balances`, issue 17) follows every money path:
issuing, a payment, its reversal, a reduction, the refund of a trop-perçu and a cancellation;
after each, the stored rows equal the ledger's sums (`drift` is empty). The overdue set reads
them. Runs on SQLite and on PostgreSQL."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from billing.services import titres
from titres import balances, overdue, titre_selectors
from titres.models import CHARGING_KINDS, RevenueTitle, TitreBalance, TitreKind, TitreState

PAID_ON = datetime.date(2026, 2, 5)
CORRECTED_ON = datetime.date(2026, 3, 2)
AFTER_DUE = datetime.date(2026, 3, 10)


@pytest.fixture
def titre_a(world, issued_batch) -> RevenueTitle:
    return RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)


def _stored(titre) -> tuple:
    row = TitreBalance.objects.get(titre=titre)
    return row.corrected, row.paid, row.refunded, row.balance


def _ledger(titre) -> tuple:
    ledger = titre_selectors.balance_of(titre)
    return ledger.corrected, ledger.paid, ledger.refunded, ledger.balance


def _correct(titre, kind, amount=None) -> RevenueTitle:
    return titres.titre_correct(
        original=titre,
        kind=kind,
        amount=amount,
        reason="COPIL du 26/02/2026",
        issue_date=CORRECTED_ON,
    )


def test_issuing_stores_a_balance_for_each_charging_titre(world, issued_batch):
    issued = RevenueTitle.objects.filter(
        consortium=world.consortium, state=TitreState.ISSUED, kind__in=CHARGING_KINDS
    )
    assert issued.count() > 1
    assert set(TitreBalance.objects.values_list("titre_id", flat=True)) == set(
        issued.values_list("pk", flat=True)
    )
    assert balances.drift() == []
    for titre in issued:
        assert _stored(titre) == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), titre.total)


def test_every_money_path_keeps_the_stored_balance_equal_to_the_ledger(titre_a):
    total = titre_a.total
    payment = titres.payment_record(
        titre=titre_a, paid_on=PAID_ON, amount=Decimal("1000.00"), reference="P503-1"
    )
    assert _stored(titre_a)[1:] == (Decimal("1000.00"), Decimal("0.00"), total - 1000)
    assert balances.drift() == []

    titres.payment_reverse(
        payment=payment, reversed_on=PAID_ON, reason="Saisi sur le mauvais titre"
    )
    assert _stored(titre_a)[3] == total and balances.drift() == []

    titres.payment_record(titre=titre_a, paid_on=PAID_ON, amount=total, reference="P503-2")
    assert _stored(titre_a)[3] == Decimal("0.00") and balances.drift() == []

    _correct(titre_a, TitreKind.REDUCTION, Decimal("500.00"))  # paid: 500 € to refund
    assert _stored(titre_a) == _ledger(titre_a)
    assert _stored(titre_a)[0] == Decimal("500.00") and balances.drift() == []

    titres.refund_record(
        titre=titre_a, mandate_number="M-12", paid_on=AFTER_DUE, amount=Decimal("500.00")
    )
    assert _stored(titre_a) == _ledger(titre_a)
    assert _stored(titre_a)[2] == Decimal("500.00") and balances.drift() == []


def test_a_cancellation_leaves_nothing_to_pay_and_takes_the_titre_out_of_overdue(world, titre_a):
    late = {row.pk for row in overdue.overdue_rows(world.consortium, AFTER_DUE)}
    assert titre_a.pk in late
    _correct(titre_a, TitreKind.CANCELLATION)
    assert _stored(titre_a)[3] == Decimal("0.00") and balances.drift() == []
    after = {row.pk for row in overdue.overdue_rows(world.consortium, AFTER_DUE)}
    assert after == late - {titre_a.pk}


def test_the_command_reports_a_drift(titre_a, capsys):
    call_command("check_titre_balances")
    assert "0 écart" in capsys.readouterr().out
    TitreBalance.objects.filter(titre=titre_a).update(balance=Decimal("1.00"))
    with pytest.raises(SystemExit):
        call_command("check_titre_balances")
    assert f"{titre_a.pk}" in capsys.readouterr().err
