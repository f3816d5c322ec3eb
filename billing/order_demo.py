"""The demo purchase orders of 2026: the ordering period (February–March) and one order in each
state, each step at its own date. Idempotent: nothing happens if the year has orders.

Their e-mails are kept in memory, sent at their step (they would otherwise print each PDF on
the console of `make run` when the demo's transaction commits).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.test import override_settings

from billing.models import ChargeOn, OrderState, TariffLine, TariffLineKind
from billing.services import order_review, orders
from billing.services.orders import LineInput
from ligeris.lib import demo_clock
from titres.models import FiscalYear

#: (partner short name, state, tenant of its own?, reason)
ORDERS = (
    (
        "Châteauroux",
        OrderState.ISSUED,
        True,
        "Extension du stockage pour les registres d'état civil numérisés",
    ),
    (
        "Châteauroux",
        OrderState.SUBMITTED,
        True,
        "Reprise des archives électroniques du service urbanisme",
    ),
    (
        "Châteauroux",
        OrderState.CHANGES_REQUESTED,
        False,
        "Formation des agents à l'outil de versement",
    ),
    ("Châteauroux", OrderState.DRAFT, False, "Connecteur avec le logiciel de délibérations"),
    (
        "Cher",
        OrderState.REFUSED,
        False,
        "Développement d'un module de signature propre au Département",
    ),
    ("Cher", OrderState.CANCELLED, False, "Stockage supplémentaire (besoin revu à la baisse)"),
)


def _lines(fiscal_year: FiscalYear, index: int) -> list[LineInput]:
    grid = TariffLine.objects.filter(
        grid__fiscal_year=fiscal_year, kind=TariffLineKind.UNIT_PRICE
    ).first()
    lines = [LineInput(quantity=Decimal(index + 1) / 2, tariff_line=grid)] if grid else []
    return [*lines, LineInput(quantity=Decimal(1), label="Accompagnement du coordonnateur (jours)")]


def _run_mails(callbacks_before: int) -> None:
    """Send now, in memory, the e-mails the steps queued for the end of the transaction."""
    connection = transaction.get_connection()
    queued = connection.run_on_commit[callbacks_before:]
    del connection.run_on_commit[callbacks_before:]
    for _savepoints, callback, _robust in queued:
        callback()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def load_demo_orders(fiscal_year: FiscalYear) -> None:
    if fiscal_year.orders.exists():
        return
    queued = len(transaction.get_connection().run_on_commit)
    consortium = fiscal_year.consortium
    with demo_clock.at(f"{fiscal_year.year}-01-15 09:00"):
        orders.ordering_period_save(
            fiscal_year=fiscal_year,
            opens_on=datetime.date(fiscal_year.year, 2, 1),
            closes_on=datetime.date(fiscal_year.year, 3, 31),
        )
    for index, (name, state, with_tenant, reason) in enumerate(ORDERS):
        partner = consortium.partners.get(short_name=name)
        holding = partner.holdings.select_related("tenant").order_by("tenant__code").first()
        tenant = holding.tenant if with_tenant and holding else None
        day = datetime.date(fiscal_year.year, 2, 2 + 3 * index)
        with demo_clock.at(f"{day.isoformat()} 10:00"):
            order = orders.order_save(
                partner=partner,
                fiscal_year=fiscal_year,
                tenant=tenant,
                reason=reason,
                lines=_lines(fiscal_year, index),
            )
            if state == OrderState.DRAFT:
                continue
            if state != OrderState.CANCELLED:  # withdrawn while still a draft
                order = orders.order_submit(order=order, today=day)
        decided = day + datetime.timedelta(days=5)
        with demo_clock.at(f"{decided.isoformat()} 14:00"):
            if state == OrderState.ISSUED:
                free = {line.pk: Decimal("840.00") for line in order.lines.filter(tariff_line=None)}
                order_review.order_issue(
                    order=order, prices=free, charge_on=ChargeOn.NEXT, today=decided
                )
            elif state == OrderState.CHANGES_REQUESTED:
                order_review.order_request_changes(
                    order=order, comment="Précisez le nombre d'agents et les dates souhaitées."
                )
            elif state == OrderState.REFUSED:
                order_review.order_refuse(
                    order=order,
                    reason="Développement propre à un partenaire, hors du périmètre mutualisé "
                    "(article 7) : à demander par titre spécifique.",
                )
            elif state == OrderState.CANCELLED:
                orders.order_withdraw(order=order)
    _run_mails(queued)
