"""A small, hand-computable year for the admission tests (world's consortium, 2026).

Tenants of `world`, all open all year: blois (A pays), agglo (B), blaisois (A and B, B pays),
cd37 (the coordinator). Volumes on 1 January: 1000, 2000, 1000, 2000 GB.
Pools (budget): heb 12 000 € per tenant, vol 6 000 € per volume, install 900 € equal per member
(the common installation, its grid line has the same code). The grid also prices a new tenant
3 500 € (« nouveau-tenant », €/tenant): that set-up line is the newcomer's own.
Candidate: « Ville de Chinon » (short name Chinon), archives and IT services, asking for its own
tenant « chinon » (500 GB expected).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from billing.models import (
    AllocationKey,
    CostPool,
    PoolCategory,
    StorageVolume,
    TariffLine,
    TariffLineKind,
)
from billing.services import costs, grids
from membership.models import Candidacy
from membership.services import admission
from partners.models import Partner, PartnerStatus
from tests.factories import PartnerFactory
from titres.models import FiscalYear

VOLUMES_GB = {"blois": "1000", "agglo": "2000", "blaisois": "1000", "cd37": "2000"}


@dataclass
class AdmissionYear:
    fiscal_year: FiscalYear
    candidate: Partner
    candidacy: Candidacy


def build_year(world, year: int = 2026) -> FiscalYear:
    fiscal_year = grids.fiscal_year_create(consortium=world.consortium, year=year)
    for code, label, kind, amount, unit in (
        ("heb", "Hébergement", TariffLineKind.POOL_BUDGET, "12000", "€/an"),
        ("vol", "Volumétrie", TariffLineKind.POOL_BUDGET, "6000", "€/an"),
        ("install", "Installation commune", TariffLineKind.SETUP, "900", "€"),
        (
            "nouveau-tenant",
            "Déploiement d'un nouveau tenant",
            TariffLineKind.SETUP,
            "3500",
            "€/tenant",
        ),
    ):
        grids.tariff_line_save(
            line=TariffLine(grid=fiscal_year.grid),
            code=code,
            label=label,
            kind=kind,
            amount=Decimal(amount),
            unit=unit,
        )
    for code, key, budget, category in (
        ("heb", AllocationKey.PER_TENANT, "12000", PoolCategory.OPERATION),
        ("vol", AllocationKey.STORAGE_VOLUME, "6000", PoolCategory.OPERATION),
        ("install", AllocationKey.EQUAL_PER_MEMBER, "900", PoolCategory.SETUP),
    ):
        costs.pool_save(
            pool=CostPool(fiscal_year=fiscal_year),
            code=code,
            label=code,
            key=key,
            budget_amount=Decimal(budget),
            category=category,
        )
    for tenant in (world.tenant_a, world.tenant_b, world.tenant_shared, world.tenant_coordinator):
        StorageVolume.objects.create(
            tenant=tenant,
            measured_on=datetime.date(year, 1, 1),
            gigabytes=Decimal(VOLUMES_GB[tenant.code]),
        )
    return fiscal_year


def build_candidacy(
    world, *, opening: datetime.date = datetime.date(2026, 3, 15), complete: bool = True
) -> Candidacy:
    candidate = PartnerFactory(
        consortium=world.consortium,
        name="Ville de Chinon",
        short_name="Chinon",
        status=PartnerStatus.CANDIDATE,
    )
    candidacy = admission.candidacy_create(
        partner=candidate,
        has_archives_service=True,
        archives_head="Mme Archiviste",
        has_it_service=complete,
        it_head="M. Informaticien" if complete else "",
        maturity_notes="Archiviste en poste, DSI mutualisée avec la communauté de communes.",
        wished_opening_on=opening,
        letter_of_intent_on=datetime.date(2025, 11, 4),
    )
    admission.requested_tenant_add(
        candidacy=candidacy,
        code="chinon",
        name="Ville de Chinon",
        payer=candidate,
        volume_gb=Decimal("500"),
    )
    return candidacy


def build_admission(world, *, year: int = 2026, **kwargs) -> AdmissionYear:
    fiscal_year = build_year(world, year)
    candidacy = build_candidacy(world, **kwargs)
    return AdmissionYear(fiscal_year, candidacy.partner, candidacy)
