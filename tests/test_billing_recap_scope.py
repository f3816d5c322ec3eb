"""A partner's recap leaves out the services charged directly to another partner or tenant."""

import datetime
from decimal import Decimal

from django.urls import reverse

from billing.models import AllocationKey, CostPool, Expense, PoolCategory
from billing.services import costs


def _direct(billing_year, code, label, **target):
    pool = costs.pool_save(
        pool=CostPool(fiscal_year=billing_year.fiscal_year),
        code=code,
        label=label,
        key=AllocationKey.DIRECT,
        budget_amount=Decimal("0"),
        category=PoolCategory.ADDITIONAL,
        **target,
    )
    costs.expense_save(
        expense=Expense(pool=pool),
        invoice_date=datetime.date(2026, 5, 4),
        vendor="Formateur",
        contract_lot="Lot 2",
        reference=f"F-{code}",
        amount=Decimal("900"),
    )
    return pool


def test_partner_recap_hides_direct_services_of_others(world, billing_year, client_for):
    _direct(billing_year, "form-b", "Formation pour Agglopolys", direct_partner=world.partner_b)
    _direct(billing_year, "migr-a", "Migration du tenant blois", direct_tenant=world.tenant_a)
    url = reverse("billing:recap", args=[2026])

    page_a = client_for("partner_a").get(url).text
    assert "Migration du tenant blois" in page_a
    assert "Formation pour Agglopolys" not in page_a
    assert "F-form-b" not in page_a
    assert "Hébergement et maintenance" in page_a  # shared pools stay visible

    page_finance = client_for("finance").get(url).text
    assert "Formation pour Agglopolys" in page_finance
    assert "Migration du tenant blois" in page_finance
