"""Titre fixtures, loaded as a pytest plugin from conftest: settings, a budget run, drafts, a batch.

Built on `billing_year` (tests/billing_fixtures.py), through the services as the application does.
The 2026 budget run of that year gives four titres, numbered in the order of their debtor's name
then tenant code: Agglopolys for agglo and blaisois (the shared tenant B pays), Ville de Blois
for blois (with A's share of the member pool) and tours. The coordinator's tenant gets none.

- `titre_settings`: the consortium's titre settings (signatory, accountant, IBAN); partners A, B
  and the coordinator have a billing e-mail.
- `budget_run`: the 2026 budget run.
- `drafts`: the batch in preparation of 20 January 2026, from the budget run.
- `issued_batch`: that batch issued; its task is queued on commit, which only
  `transactional_db` tests reach (`db` tests run it with `django_capture_on_commit_callbacks`).
- `specific_run(billing_year, amounts)`: a specific run of direct pools, e.g. a 12 € titre.
- `add_paying_partners(world, count)`: more partners, each paying a tenant of its own.
- `twenty_drafts(world, billing_year)`: a batch in preparation of 20 titres (16 more partners).
- `TitreRows.take()`: every titre row a refused write must leave as it was.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils.text import slugify

from billing.models import (
    AllocationKey,
    AllocationRun,
    CostPool,
    Expense,
    PoolCategory,
    RunKind,
    SpreadOn,
    TariffGrid,
)
from billing.services import costs, runs, titres
from partners import services as partner_services
from partners.models import Partner, Tenant
from tests.factories import PartnerFactory
from titres.models import (
    Carryover,
    Payment,
    PaymentReversal,
    Refund,
    RevenueTitle,
    TitreBatch,
    TitreDocument,
    TitreEmail,
    TitreLine,
    TitreSequence,
    TitreSettings,
)

ISSUE_DATE = datetime.date(2026, 1, 20)
#: The budget run's titres, in numbering order: (debtor short name, tenant code).
ANNUAL_ORDER = [("Agglopolys", "agglo"), ("Agglopolys", "blaisois"), ("Blois", "blois"),
                ("Blois", "tours")]  # fmt: skip
SETTINGS = {
    "signatory_last_name": "Paumier",
    "signatory_first_names": "Jean-Gérard",
    "signatory_role": "Président du Conseil départemental d'Indre-et-Loire",
    "approving_deliberation": "délibération de la commission permanente du 20 octobre 2023",
    "accountant_name": "Paierie départementale d'Indre-et-Loire",
    "accountant_address": "Place de la Préfecture, 37000 Tours",
    "iban": "FR7630001007941234567890185",
    "bic": "BDFEFRPPCCT",
}


def billing_email(partner: Partner) -> str:
    return f"finances@{slugify(partner.short_name)}.example.org"


def settings_for(world, **overrides) -> TitreSettings:
    """The titre settings of the world's consortium; every partner gets a billing e-mail."""
    for partner in (world.coordinator, world.partner_a, world.partner_b):
        partner_services.partner_save(partner=partner, billing_email=billing_email(partner))
    return titres.settings_save(consortium=world.consortium, **{**SETTINGS, **overrides})


@pytest.fixture
def titre_settings(world) -> TitreSettings:
    return settings_for(world)


@pytest.fixture
def budget_run(billing_year) -> AllocationRun:
    return runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)


@pytest.fixture
def drafts(titre_settings, budget_run) -> TitreBatch:
    batch, skipped = titres.drafts_from_run(run=budget_run, issue_date=ISSUE_DATE)
    assert skipped == []
    return batch


@pytest.fixture
def issued_batch(drafts) -> TitreBatch:
    return titres.batch_issue(batch=drafts)


def specific_run(year, amounts: dict[Tenant, str]) -> AllocationRun:
    """A specific run of one direct pool per tenant, invoiced: {tenant: "12.00"}."""
    for tenant, amount in amounts.items():
        pool = costs.pool_save(
            pool=CostPool(fiscal_year=year.fiscal_year),
            code=f"mig-{tenant.code}",
            label=f"Reprise de données {tenant.name}",
            key=AllocationKey.DIRECT,
            category=PoolCategory.ADDITIONAL,
            spread_on=SpreadOn.SPECIFIC,
            direct_tenant=tenant,
            budget_amount=Decimal(amount),
        )
        costs.expense_save(
            expense=Expense(pool=pool),
            invoice_date=datetime.date(2026, 1, 5),
            vendor="Prestataire SAE",
            contract_lot="Lot 2",
            reference=f"F-2026-{tenant.code}",
            amount=Decimal(amount),
        )
    return runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.SPECIFIC)


def add_paying_partners(world, count: int, *, email: bool = True, first: int = 0) -> list[Tenant]:
    """`count` members, each paying a tenant of its own opened 1 February 2026 (no volume due)."""
    tenants = []
    for index in range(first, first + count):
        partner = PartnerFactory(
            consortium=world.consortium,
            name=f"Commune de Test {index:02d}",
            short_name=f"Test {index:02d}",
        )
        if email:
            partner_services.partner_save(partner=partner, billing_email=billing_email(partner))
        tenants.append(
            partner_services.tenant_create(
                consortium=world.consortium,
                code=f"test{index:02d}",
                name=f"Test {index:02d}",
                opened_on=datetime.date(2026, 2, 1),
                payer=partner,
            )
        )
    return tenants


def twenty_drafts(world, year, *, without_email: int = 0) -> TitreBatch:
    """The 2026 budget run's drafts for 20 tenants: the four of `world` and 16 more, each paid
    by a partner of its own; the last `without_email` of those have no billing e-mail."""
    add_paying_partners(world, 16 - without_email)
    if without_email:
        add_paying_partners(world, without_email, email=False, first=16 - without_email)
    settings_for(world)
    run = runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.BUDGET)
    batch, skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    assert skipped == [] and batch.titres.count() == 20
    return batch


def issued(batch: TitreBatch) -> list[RevenueTitle]:
    return list(
        RevenueTitle.objects.filter(batch=batch, state="issued")
        .select_related("debtor", "tenant")
        .order_by("number")
    )


@dataclass
class TitreRows:
    """Every titre row a refused write must leave untouched."""

    rows: dict = field(default_factory=dict)

    @classmethod
    def take(cls) -> "TitreRows":
        return cls(
            rows={
                "titres": sorted(
                    RevenueTitle.objects.values_list(
                        "pk",
                        "state",
                        "kind",
                        "exercise",
                        "number",
                        "debtor_id",
                        "tenant_id",
                        "original_id",
                        "total",
                        "below_threshold",
                        "recovery_confirmed",
                        "issued_on",
                        "due_on",
                        "batch_id",
                    )
                ),
                "snapshots": sorted(RevenueTitle.objects.values_list("pk", "snapshot")),
                "lines": sorted(
                    TitreLine.objects.values_list(
                        "pk",
                        "titre_id",
                        "position",
                        "label",
                        "base",
                        "amount",
                        "share_id",
                        "reduces_id",
                        "carryover_id",
                    )
                ),
                "batches": sorted(
                    TitreBatch.objects.values_list("pk", "state", "number", "issue_date")
                ),
                "sequences": sorted(
                    TitreSequence.objects.values_list(
                        "consortium_id", "year", "kind", "last_number"
                    )
                ),
                "documents": sorted(TitreDocument.objects.values_list("pk", "titre_id", "sha256")),
                "emails": sorted(TitreEmail.objects.values_list("pk", "titre_id", "sent_at")),
                "payments": sorted(
                    Payment.objects.values_list("pk", "titre_id", "paid_on", "amount", "reference")
                ),
                "refunds": sorted(Refund.objects.values_list("pk", "titre_id", "amount")),
                "reversals": sorted(PaymentReversal.objects.values_list("pk", "payment_id")),
                "carryovers": sorted(Carryover.objects.values_list("pk", "batch_id", "amount")),
                "runs": sorted(AllocationRun.objects.values_list("pk", "locked_at")),
                "grids": sorted(TariffGrid.objects.values_list("pk", "frozen_at")),
            }
        )
