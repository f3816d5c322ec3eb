"""A catalogue consortium for the demo: Cœur Côte Fleurie (seed 004) with two communes and a
catalogue of six services, the commitments of seed 002 and a request.

`make run` loads it beside Ligeris (`membership/demo/consortia.py`). The seed gives no figures:
prices, SIRETs, addresses, people and dates are illustrative (`fixtures/README.md`); the rules
are the seed's (subscription from the month after the PV, twelfths, in arrears, window
1 January – 31 March).
"""

import datetime
from decimal import Decimal

from django.db import transaction

from billing.services import titres
from catalogue.models import ServiceKind
from catalogue.services import catalogue as services
from catalogue.services import subscriptions
from commitments.models import CommitmentKind
from commitments.services import requests as commitment_services
from commitments.working_time import PARIS
from partners import services as partner_services
from partners.generate import siret
from partners.models import BillingMode, Consortium, Convention, Partner, PartnerKind

NAME = "Mutualisation informatique Cœur Côte Fleurie"

#: code, label, unit, kind, price of the first year, annex, subcontractor.
SERVICES = (
    ("MESS", "Messagerie et agenda partagés", "boîte", ServiceKind.UNIT, "18.00", "Annexe 1", ""),
    ("GED", "Gestion électronique des documents", "an", ServiceKind.FLAT, "1200.00", "Annexe 2", ""),
    ("SIG", "Système d'information géographique", "an", ServiceKind.FLAT, "850.00", "Annexe 2", ""),
    ("CERT", "Certificats de signature électronique", "certificat", ServiceKind.UNIT, "12.50",
     "Annexe 3", "Autorité de certification"),
    ("STOCK", "Stockage au datacenter (espace disque alloué)", "To", ServiceKind.VOLUME, "80.00",
     "Annexe 4 — Datacenter", "Hébergeur certifié HDS"),
    ("VIDEO", "Vidéoprotection : enregistrement et conservation", "caméra", ServiceKind.UNIT,
     "45.00", "Annexe 5 — Vidéoprotection", ""),
)  # fmt: skip


def _partner(consortium, number, name, short, kind, city, postal, who, title) -> Partner:
    return partner_services.partner_save(
        partner=Partner(consortium=consortium),
        name=name,
        short_name=short,
        kind=kind,
        siret=siret(9_400_000 + number),
        address="Hôtel de ville",
        postal_code=postal,
        city=city,
        representative_name=who,
        representative_title=title,
        billing_email=f"finances@{short.lower().replace(' ', '-')}.example.org",
    )


@transaction.atomic
def load_coeur_cote_fleurie(year: int) -> Consortium:
    """The consortium, its catalogue voted for `year` (billed in arrears from 1 January of the
    next year) and the next year's copy indexed by 2 %, to vote."""
    consortium = Consortium.objects.create(
        name=NAME,
        short_name="Cœur Côte Fleurie",
        billing_mode=BillingMode.CATALOGUE,
        shares_costs=False,
        withdrawal_on_january=True,
    )
    coordinator = _partner(consortium, 1, "Communauté de communes Cœur Côte Fleurie",
                           "CC Cœur Côte Fleurie", PartnerKind.OTHER, "Deauville", "14800",
                           "M. le Président", "Président")  # fmt: skip
    partner_services.consortium_set_coordinator(consortium=consortium, coordinator=coordinator)
    trouville = _partner(consortium, 2, "Commune de Trouville-sur-Mer", "Trouville-sur-Mer",
                         PartnerKind.COMMUNE, "Trouville-sur-Mer", "14360", "Mme la Maire",
                         "Maire")  # fmt: skip
    villers = _partner(consortium, 3, "Commune de Villers-sur-Mer", "Villers-sur-Mer",
                       PartnerKind.COMMUNE, "Villers-sur-Mer", "14640", "M. le Maire",
                       "Maire")  # fmt: skip
    partner_services.convention_save(
        convention=Convention(consortium=consortium),
        title="Convention de mutualisation des moyens informatiques",
        signed_on=datetime.date(year - 1, 12, 1),
        starts_on=datetime.date(year, 1, 1),
        ends_on=datetime.date(year + 3, 12, 31),
        amendment_approval_months=6,
        catalogue_without_amendment=True,
    )
    titres.settings_save(
        consortium=consortium,
        signatory_last_name="Président",
        signatory_first_names="Le",
        signatory_role="Président de la Communauté de communes Cœur Côte Fleurie",
        approving_deliberation=f"délibération du conseil communautaire du 1er décembre {year - 1}",
        accountant_name="Service de gestion comptable de Lisieux",
        accountant_address="14100 Lisieux",
        iban="FR7630001007941234567890185",
        bic="BDFEFRPPCCT",
        court="Tribunal administratif de Caen",
        court_address="3 rue Arthur Le Duc, 14050 Caen Cedex 4",
        court_article="10",  # seed 004, article 10 "Litiges et recours"
    )
    catalogue = services.catalogue_create(consortium=consortium, year=year)
    rows = {}
    for code, label, unit, kind, price, annex, subcontractor in SERVICES:
        service = services.service_create(consortium=consortium, code=code, label=label,
                                          unit=unit, kind=kind, annex=annex,
                                          subcontractor=subcontractor)  # fmt: skip
        services.price_set(catalogue=catalogue, service=service, price=Decimal(price))
        rows[code] = service
    services.catalogue_vote(
        catalogue=catalogue,
        voted_on=datetime.date(year, 2, 12),
        decision=f"Délibération du conseil communautaire n° {year}-012",
    )
    services.catalogue_copy(catalogue=catalogue, rate=Decimal("2"))
    # Trouville: seed 004's worked example (PV of 15 March: from 1 April, 9/12).
    report = subscriptions.report_record(
        consortium=consortium,
        partner=trouville,
        signed_on=datetime.date(year, 3, 15),
        signatories="Mme la Maire de Trouville-sur-Mer\nM. le Président de la Communauté",
    )
    for code, quantity in (("GED", "1"), ("CERT", "40"), ("STOCK", "1.5")):
        subscriptions.subscription_create(
            report=report, service=rows[code], quantity=Decimal(quantity)
        )
    report = subscriptions.report_record(
        consortium=consortium,
        partner=villers,
        signed_on=datetime.date(year - 1, 11, 20),
        signatories="M. le Maire de Villers-sur-Mer\nM. le Président de la Communauté",
    )
    for code, quantity in (("MESS", "35"), ("SIG", "1"), ("VIDEO", "12")):
        subscriptions.subscription_create(
            report=report, service=rows[code], quantity=Decimal(quantity)
        )
    commitments = {
        kind: commitment_services.commitment_save(consortium=consortium, kind=kind)
        for kind in CommitmentKind
    }
    for partner, name in ((trouville, "Mme Anne Leroy"), (villers, "M. Marc Hébert")):
        commitment_services.referent_save(
            partner=partner, name=name, email=f"referent@{partner.city.lower()}.example.org"
        )
    commitment_services.request_record(
        consortium=consortium,
        partner=villers,
        commitment=commitments[CommitmentKind.SUPPORT],
        subject="Caméra du front de mer hors ligne",
        received_at=datetime.datetime(year, 6, 5, 16, 30, tzinfo=PARIS),
        answered_at=datetime.datetime(year, 6, 8, 9, 15, tzinfo=PARIS),
    )
    return consortium
