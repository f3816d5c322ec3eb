"""Refunds: a reduction of a titre already paid states the trop-perçu on its PDF (refunded by
mandat), the titre's page shows it (never a negative balance), finance staff record the refund,
which closes it; a payment recorded by mistake is reversed by a counter-entry with its reason;
overdue and exclusion flags follow the corrected balances.

The world's annual titre of tenant blois is 5 839,03 € (Ville de Blois), issued 20/01/2026, due
19/02/2026. Runs on SQLite and on PostgreSQL.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.services import titres
from tests.test_titres_pdf import text_of
from tests.titre_fixtures import TitreRows
from titres import titre_selectors
from titres.models import Payment, PaymentReversal, Refund, RevenueTitle, TitreKind
from titres.money import format_euros
from titres.titre_pdf import render_titre

PAID_ON = datetime.date(2026, 2, 5)
REDUCED_ON = datetime.date(2026, 3, 2)
AFTER_DUE = datetime.date(2026, 3, 10)


def eur(amount: str) -> str:
    """An amount as the pages print it (narrow no-break thousands, no-break space before €)."""
    return format_euros(Decimal(amount))


@pytest.fixture
def titre_a(world, issued_batch) -> RevenueTitle:
    return RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)


def _pay(titre, amount: str, on=PAID_ON, reference="P503-1") -> Payment:
    return titres.payment_record(
        titre=titre, paid_on=on, amount=Decimal(amount), reference=reference
    )


def _reduce(titre, amount: str) -> RevenueTitle:
    return titres.titre_correct(
        original=titre,
        kind=TitreKind.REDUCTION,
        amount=Decimal(amount),
        reason="Remise décidée par le COPIL du 26/02/2026",
        issue_date=REDUCED_ON,
    )


def test_a_paid_titre_reduced_states_the_refund_and_the_refund_closes_it(titre_a, client_for):
    _pay(titre_a, "5839.03")
    reduction = _reduce(titre_a, "500.00")
    assert reduction.snapshot["settlement"] == {
        "paid": "5839.03",
        "net_after": "5339.03",
        "still_due": "0.00",
        "refund": "500.00",
    }
    # The PDF says the refund, not "reste dû".
    text = text_of(render_titre(reduction))
    assert "Trop-perçu à rembourser au débiteur (par mandat) 500,00 €" in text
    assert (
        "Le débiteur ayant déjà versé 5 839,03 € au titre de ce titre, la somme due est ramenée "
        "à 5 339,03 € : le trop-perçu de 500,00 € lui sera remboursé par mandat du comptable "
        "public, Paierie départementale d'Indre-et-Loire."
    ) in text
    assert "demeure dû" not in text

    client = client_for("finance")
    url = reverse("billing:titre_detail", args=[titre_a.pk])
    page = client.get(url).text
    assert f"Trop-perçu à rembourser : {eur('500')}" in page
    assert "-500" not in page and "−500" not in page
    assert "Reste à payer" not in page
    assert client.get(url).context["status"].label == "Trop-perçu à rembourser"
    reduction_page = client.get(reverse("billing:titre_detail", args=[reduction.pk])).text
    assert f"{eur('500')} — à rembourser au débiteur par mandat" in reduction_page
    # The titre list never shows a negative balance either.
    listing = client.get(reverse("billing:titre_list")).text
    assert f"trop-perçu {eur('500')}" in listing

    refund_url = reverse("billing:refund_create", args=[titre_a.pk])
    response = client.post(
        refund_url, {"mandate_number": "M-2026-0412", "paid_on": "2026-03-20", "amount": "300"}
    )
    assert response.status_code == 302
    assert titre_selectors.balance_of(titre_a).to_refund == Decimal("200.00")
    # A second refund above what is left is refused, and saves nothing.
    before = TitreRows.take()
    response = client.post(
        refund_url, {"mandate_number": "M-2026-0413", "paid_on": "2026-03-21", "amount": "250"}
    )
    assert response.status_code == 200
    assert f"Le remboursement dépasse le trop-perçu à rembourser ({eur('200')})." in response.text
    assert TitreRows.take() == before
    titres.refund_record(
        titre=titre_a, mandate_number="M-2026-0413", paid_on=AFTER_DUE, amount=Decimal("200")
    )
    closed = titre_selectors.balance_of(titre_a)
    assert (closed.paid, closed.refunded, closed.balance, closed.to_refund) == (
        Decimal("5839.03"),
        Decimal("500.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert titre_selectors.status_of(closed, today=AFTER_DUE).code == "paid"
    page = client.get(url)
    assert "refund_form" not in page.context
    assert "M-2026-0412" in page.text and "M-2026-0413" in page.text
    with pytest.raises(ValidationError, match="aucun trop-perçu"):
        titres.refund_record(
            titre=titre_a, mandate_number="M-3", paid_on=AFTER_DUE, amount=Decimal("0.01")
        )


def test_a_partly_paid_titre_reduced_below_what_was_paid(titre_a):
    _pay(titre_a, "3000.00")
    first = _reduce(titre_a, "2000.00")  # net 3 839,03 €, 839,03 € still due
    text = text_of(render_titre(first))
    assert "dont le reste, 839,03 €, demeure dû." in text
    assert "trop-perçu" not in text
    second = _reduce(titre_a, "1000.00")  # net 2 839,03 €: 160,97 € paid too much
    assert second.snapshot["settlement"]["refund"] == "160.97"
    assert "le trop-perçu de 160,97 € lui sera remboursé par mandat" in text_of(
        render_titre(second)
    )
    assert titre_selectors.balance_of(titre_a).to_refund == Decimal("160.97")
    with pytest.raises(ValidationError, match="trop-perçu à rembourser"):
        _pay(titre_a, "1.00", on=REDUCED_ON, reference="P2")


def test_a_cancellation_of_a_paid_titre_refunds_everything(titre_a):
    _pay(titre_a, "5839.03")
    cancellation = titres.titre_correct(
        original=titre_a, kind=TitreKind.CANCELLATION, reason="Erreur", issue_date=REDUCED_ON
    )
    assert cancellation.snapshot["settlement"]["refund"] == "5839.03"
    assert "le trop-perçu de 5 839,03 € lui sera remboursé par mandat" in text_of(
        render_titre(cancellation)
    )
    status = titre_selectors.status_of(titre_selectors.balance_of(titre_a))
    assert status.label == "Annulé, trop-perçu à rembourser"


def test_a_payment_recorded_by_mistake_is_reversed_never_deleted(world, titre_a, client_for):
    payment = _pay(titre_a, "5839.03")
    assert titre_selectors.status_of(titre_selectors.balance_of(titre_a), AFTER_DUE).code == "paid"
    assert titre_a not in titre_selectors.overdue(world.consortium, today=AFTER_DUE)
    client = client_for("finance")
    url = reverse("billing:payment_reverse", args=[titre_a.pk, payment.pk])
    page = client.get(url)
    assert page.status_code == 200 and "P503-1" in page.text
    response = client.post(url, {"reversed_on": "2026-02-04", "reason": "Doublon"})
    assert response.status_code == 200  # before the payment itself
    assert "ne peut précéder le paiement" in response.text
    response = client.post(url, {"reversed_on": "2026-03-01", "reason": ""})
    assert response.status_code == 200 and not PaymentReversal.objects.exists()
    response = client.post(
        url, {"reversed_on": "2026-03-01", "reason": "Virement de Blois pour un autre titre"}
    )
    assert response.status_code == 302
    # The payment stays, beside its counter-entry; it no longer counts.
    assert Payment.objects.filter(pk=payment.pk).exists()
    reversal = PaymentReversal.objects.get(payment=payment)
    assert reversal.reason == "Virement de Blois pour un autre titre"
    again = titre_selectors.balance_of(titre_a)
    assert (again.paid, again.balance) == (Decimal("0.00"), titre_a.total)
    # The overdue list and the exclusion flags follow.
    assert titre_a in titre_selectors.overdue(world.consortium, today=AFTER_DUE)
    late = datetime.date(2026, 6, 1)  # more than 90 days after 19/02/2026
    flagged = {f.partner for f in titre_selectors.exclusion_flags(world.consortium, today=late)}
    assert world.partner_a in flagged
    page = client.get(reverse("billing:titre_detail", args=[titre_a.pk])).text
    assert "contre-passé le 01/03/2026 : Virement de Blois pour un autre titre" in page
    with pytest.raises(ValidationError, match="déjà contre-passé"):
        titres.payment_reverse(payment=payment, reversed_on=AFTER_DUE, reason="Encore")


def test_flags_follow_the_corrected_balance(world, titre_a):
    """Unpaid and late, then reduced to what was paid: neither overdue nor flagged."""
    late = datetime.date(2026, 6, 1)

    def flagged() -> set[int]:
        flags = titre_selectors.exclusion_flags(world.consortium, today=late)
        return {t.pk for flag in flags for t in flag.titres}

    _pay(titre_a, "839.03")
    assert titre_a.pk in flagged()
    _reduce(titre_a, "5000.00")
    assert titre_a not in titre_selectors.overdue(world.consortium, today=late)
    assert titre_a.pk not in flagged()


def test_refunds_and_reversals_are_written_once(titre_a):
    payment = _pay(titre_a, "5839.03")
    _reduce(titre_a, "100.00")
    refund = titres.refund_record(
        titre=titre_a, mandate_number="M-1", paid_on=AFTER_DUE, amount=Decimal("100")
    )
    other = _pay(
        RevenueTitle.objects.exclude(pk=titre_a.pk).filter(kind=TitreKind.ANNUAL).first(), "10"
    )
    reversal = titres.payment_reverse(payment=other, reversed_on=AFTER_DUE, reason="Erreur")
    for record in (refund, reversal):
        with pytest.raises(ValidationError, match="définitif"):
            record.save()
        with pytest.raises(ValidationError, match="définitif"):
            record.delete()
    assert Refund.objects.get(pk=refund.pk).amount == Decimal("100.00")
    assert payment.pk and PaymentReversal.objects.filter(pk=reversal.pk).exists()
