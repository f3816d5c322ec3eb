"""The catalogue of seed 004's worked example on the test consortium (`world`), through the
services: a flat service (1 200 €/year), a unit service (12,50 €) and a volume service
(80 €/To), voted in the 2025 catalogue; partner A (Blois) commissioned on 15 March 2025."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest

from billing.services import titres
from catalogue.models import Catalogue, CommissioningReport, Service, ServiceKind
from catalogue.services import catalogue as services
from catalogue.services import subscriptions
from partners.models import BillingMode
from tests.titre_fixtures import SETTINGS

D = Decimal
YEAR = 2025


@dataclass
class CatalogueWorld:
    catalogue: Catalogue
    flat: Service
    unit: Service
    volume: Service
    report: CommissioningReport


def build_catalogue(world, *, subscribe=True) -> CatalogueWorld:
    consortium = world.consortium
    consortium.billing_mode = BillingMode.CATALOGUE
    consortium.save(update_fields=["billing_mode"])
    titres.settings_save(consortium=consortium, **SETTINGS)
    for partner in (world.partner_a, world.partner_b):
        partner.billing_email = f"finances@{partner.short_name.lower()}.example"
        partner.save(update_fields=["billing_email"])
    new = services.service_create
    flat = new(consortium=consortium, code="GED", label="Gestion électronique des documents",
               unit="an", kind=ServiceKind.FLAT, annex="Annexe 2")  # fmt: skip
    unit = new(consortium=consortium, code="CERT", label="Certificat de signature",
               unit="certificat(s)", kind=ServiceKind.UNIT, annex="Annexe 2")  # fmt: skip
    volume = new(consortium=consortium, code="STOCK", label="Stockage alloué", unit="To",
                 kind=ServiceKind.VOLUME, annex="Annexe 3", subcontractor="Hébergeur HDS")  # fmt: skip
    catalogue = services.catalogue_create(consortium=consortium, year=YEAR)
    for service, price in ((flat, "1200"), (unit, "12.50"), (volume, "80")):
        services.price_set(catalogue=catalogue, service=service, price=D(price))
    catalogue = services.catalogue_vote(
        catalogue=catalogue, voted_on=datetime.date(YEAR, 2, 10), decision="Délibération 2025-04"
    )
    report = subscriptions.report_record(
        consortium=consortium,
        partner=world.partner_a,
        signed_on=datetime.date(YEAR, 3, 15),
        signatories="Mme Claire Martin, maire\nM. Paul Durand, chef de projet du coordonnateur",
    )
    if subscribe:
        for service, quantity in ((flat, "1"), (unit, "40"), (volume, "1.5")):
            subscriptions.subscription_create(report=report, service=service, quantity=D(quantity))
    return CatalogueWorld(catalogue, flat, unit, volume, report)


@pytest.fixture
def catalogue_world(world) -> CatalogueWorld:
    return build_catalogue(world)
