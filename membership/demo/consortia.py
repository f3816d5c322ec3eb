"""The demo's other consortia, beside Ligeris: each convention of the seeds runs as its own.

- GIP RECIA (seed 002): the GIP coordinates, Grand Chambord and two bodies that are also
  members of Ligeris (the Région Centre-Val de Loire and the Département du Cher: one
  organisation, two memberships); its complementary services billed from a catalogue.
- Cœur Côte Fleurie (seed 004): `catalogue.demo.load_coeur_cote_fleurie`, its 2025 titres drafted
  in February 2026 as the seed's window wants.
- The Cergy-Pontoise partnership (seeds 001/003): the agglomeration and Osny, a COPIL and a
  COTECH, the four workstreams, no cost sharing and no billing.

Built through the services; idempotent (each consortium is loaded once, by name). What is the
seeds' and what is illustrative is said in `fixtures/README.md`.
"""

import datetime
from decimal import Decimal

from django.db import transaction

from billing.services import titres
from catalogue.demo import NAME as CCF_NAME
from catalogue.demo import load_coeur_cote_fleurie
from catalogue.models import ServiceKind
from catalogue.services import catalogue as catalogue_services
from catalogue.services import subscriptions
from catalogue.services.billing import catalogue_billing
from commitments.models import CommitmentKind
from commitments.services import requests as commitment_services
from commitments.working_time import PARIS
from governance.demo import _at, _attend
from governance.models import BodyKind, ItemKind
from governance.services import bodies, meetings
from ligeris.lib import demo_clock
from partners import services as partner_services
from partners.generate import siret
from partners.models import (
    BillingMode,
    Civility,
    Consortium,
    Convention,
    Partner,
    PartnerKind,
    Person,
    PersonRole,
)
from programme.demo import load_demo_programme
from titres.models import RevenueTitle, TitreState
from titres.tasks import process_batch

RECIA_NAME = "GIP RECIA — services sOlaere"
CERGY_NAME = "Partenariat SAE Cergy-Pontoise"

#: Seed 002 article 5's complementary services (billed apart); prices are illustrative.
RECIA_SERVICES = (
    ("SOLAERE", "Offre sOlaere (contribution statutaire)", "an", ServiceKind.FLAT, "0.00", False),
    ("CERT", "Certificat de signature électronique (Dhimyotis)", "certificat", ServiceKind.UNIT,
     "45.00", True),
    ("POSTE", "Remise de clé en collectivité et paramétrage du poste", "poste", ServiceKind.UNIT,
     "60.00", True),
    ("HEB", "Hébergement de sites web", "Go", ServiceKind.VOLUME, "2.50", True),
    ("DNS", "Nom de domaine et boîtes aux lettres rattachées", "an", ServiceKind.FLAT, "30.00",
     True),
)  # fmt: skip


def _member(consortium, **fields) -> Partner:
    return partner_services.partner_save(partner=Partner(consortium=consortium), **fields)


def _same_body(consortium: Consortium, ligeris_partner: Partner) -> Partner:
    """A Ligeris partner's organisation joining another consortium: same SIRET, one organisation."""
    return _member(
        consortium,
        name=ligeris_partner.name,
        short_name=ligeris_partner.short_name,
        kind=ligeris_partner.kind,
        siret=ligeris_partner.siret,
        address=ligeris_partner.address,
        postal_code=ligeris_partner.postal_code,
        city=ligeris_partner.city,
        representative_name=ligeris_partner.representative_name,
        representative_title=ligeris_partner.representative_title,
        billing_email=ligeris_partner.billing_email,
    )


def _settings(
    consortium: Consortium, *, first: str, last: str, role: str, deliberation: str, **place
) -> None:
    titres.settings_save(
        consortium=consortium,
        signatory_last_name=last,
        signatory_first_names=first,
        signatory_role=role,
        approving_deliberation=deliberation,
        iban="FR7630001007941234567890185",
        bic="BDFEFRPPCCT",
        **place,
    )


@transaction.atomic
def load_gip_recia(ligeris: Consortium, year: int = 2026) -> Consortium:
    existing = Consortium.objects.filter(name=RECIA_NAME).first()
    if existing is not None:
        return existing
    consortium = Consortium.objects.create(
        name=RECIA_NAME,
        short_name="GIP RECIA",
        platform="sOlaere",
        billing_mode=BillingMode.CATALOGUE,
        shares_costs=False,
    )
    gip = _member(consortium, name="GIP RECIA (Région Centre Inter-Active)", short_name="GIP RECIA",
                  kind=PartnerKind.OTHER, siret=siret(9_500_001), address="151 rue de la Juine",
                  postal_code="45160", city="Olivet", representative_name="M. Olivier Jouin",
                  representative_title="Directeur", billing_email="facturation@recia.example.org")  # fmt: skip
    partner_services.consortium_set_coordinator(consortium=consortium, coordinator=gip)
    chambord = _member(consortium, name="Communauté de communes du Grand Chambord",
                       short_name="Grand Chambord", kind=PartnerKind.OTHER, siret=siret(9_500_002),
                       address="22 avenue de la Sablière", postal_code="41250", city="Bracieux",
                       representative_name="M. Gilles Clément", representative_title="Président",
                       billing_email="finances@grandchambord.example.org")  # fmt: skip
    shared = [
        _same_body(consortium, Partner.objects.get(consortium=ligeris, short_name=short))
        for short in ("Centre-Val de Loire", "Cher")
    ]
    partner_services.convention_save(
        convention=Convention(consortium=consortium),
        title="Convention d'accompagnement à la dématérialisation (offre sOlaere)",
        signed_on=datetime.date(2017, 5, 15),
        starts_on=datetime.date(2017, 6, 1),
        renewal_years=1,
        notice_months=3,
        membership_of="GIP RECIA",
        amicable_letters=2,
    )
    _settings(consortium, first="Olivier", last="Jouin", role="Directeur du GIP RECIA",
              deliberation="délibération n° 11 du Conseil d'administration du 18 octobre 2016",
              accountant_name="Agent comptable du GIP RECIA", accountant_address="45160 Olivet",
              court="Tribunal administratif d'Orléans", court_article="8")  # fmt: skip
    catalogue = catalogue_services.catalogue_create(consortium=consortium, year=year)
    services = {}
    for code, label, unit, kind, price, complementary in RECIA_SERVICES:
        services[code] = catalogue_services.service_create(
            consortium=consortium, code=code, label=label, unit=unit, kind=kind,
            annex="Article 5 — prestations complémentaires" if complementary else "Article 2",
            subcontractor="Dhimyotis" if code == "CERT" else "", complementary=complementary,
        )  # fmt: skip
        catalogue_services.price_set(
            catalogue=catalogue, service=services[code], price=Decimal(price)
        )
    catalogue_services.catalogue_vote(
        catalogue=catalogue,
        voted_on=datetime.date(year, 2, 3),
        decision=f"Délibération du Conseil d'administration n° {year}-03",
    )
    for partner, signed_on, lines in (
        (chambord, datetime.date(year - 1, 9, 12), (("SOLAERE", "1"), ("CERT", "6"), ("DNS", "1"))),
        (shared[0], datetime.date(year - 1, 6, 2), (("SOLAERE", "1"), ("HEB", "120"))),
        (shared[1], datetime.date(year, 4, 10), (("SOLAERE", "1"), ("CERT", "3"), ("POSTE", "3"))),
    ):
        report = subscriptions.report_record(
            consortium=consortium,
            partner=partner,
            signed_on=signed_on,
            signatories=f"{partner.representative_name}\nM. Olivier Jouin, directeur du GIP RECIA",
        )
        for code, quantity in lines:
            subscriptions.subscription_create(
                report=report, service=services[code], quantity=Decimal(quantity)
            )
    # Article 4: a week, a month, four working hours; one request of each kind, one missed.
    commitments = {
        kind: commitment_services.commitment_save(consortium=consortium, kind=kind)
        for kind in CommitmentKind
    }
    for partner, name in ((chambord, "Mme Élise Moreau"), (shared[1], "M. Hugo Perrin")):
        commitment_services.referent_save(
            partner=partner, name=name, email=f"referent.solaere@{partner.pk}.example.org"
        )
    for partner, kind, subject, received, answered in (
        (chambord, CommitmentKind.ADMIN, "Fiche navette Hélios à valider",
         datetime.datetime(year, 9, 1, 10), datetime.datetime(year, 9, 9, 15)),
        (chambord, CommitmentKind.SUPPORT, "Parapheur : signature refusée",
         datetime.datetime(year, 10, 6, 9, 30), datetime.datetime(year, 10, 6, 11)),
        (shared[1], CommitmentKind.COMMISSIONING, "Mise en service du parapheur",
         datetime.datetime(year, 3, 2, 14), datetime.datetime(year, 3, 20, 17)),
    ):  # fmt: skip
        commitment_services.request_record(
            consortium=consortium,
            partner=partner,
            commitment=commitments[kind],
            subject=subject,
            received_at=received.replace(tzinfo=PARIS),
            answered_at=answered.replace(tzinfo=PARIS),
        )
    return consortium


@transaction.atomic
def load_ccf(issuer=None) -> Consortium:
    """Seed 004's consortium, its 2025 catalogue billed in arrears and issued in February 2026,
    inside the window; its 2026 catalogue copied, to vote. `issuer(consortium)`: the user who
    issues the batch (none: issued by no one)."""
    existing = Consortium.objects.filter(name=CCF_NAME).first()
    if existing is not None:
        return existing
    consortium = load_coeur_cote_fleurie(2025)
    # Illustrative PES codes (the accountant gives the real ones), as for Ligeris.
    titres.settings_save(
        consortium=consortium,
        pes_poste="014041",
        pes_siret=consortium.coordinator.siret,
        pes_collectivity_code="141",
        pes_budget_code="01",
        pes_budget_label="Budget principal",
        pes_product_code="SERV",
        pes_function="020",
    )
    with demo_clock.at("2026-02-16 10:00"):
        batch, _notes = catalogue_billing(
            consortium=consortium, issue_date=datetime.date(2026, 2, 16)
        )
        titres.batch_issue(batch=batch, user=issuer(consortium) if issuer else None)
        process_batch(batch.pk)
    # Illustrative: both communes paid, Villers-sur-Mer three weeks after the due date.
    paid = {"Trouville-sur-Mer": "2026-03-12", "Villers-sur-Mer": "2026-04-09"}
    for titre in RevenueTitle.objects.filter(batch=batch, state=TitreState.ISSUED).select_related(
        "debtor"
    ):
        paid_on = datetime.date.fromisoformat(str(paid[titre.debtor.short_name]))
        with demo_clock.at(f"{paid_on.isoformat()} 11:00"):
            titres.payment_record(
                titre=titre,
                paid_on=paid_on,
                amount=titre.total,
                reference=f"CCF-{paid_on:%Y%m%d}-{titre.number:04d}",
            )
    return consortium


def _person(partner, civility, first, last, role, title) -> Person:
    return partner_services.person_save(
        person=Person(partner=partner),
        civility=civility,
        first_name=first,
        last_name=last,
        role=role,
        job_title=title,
        email=f"{first[0].lower()}.{last.lower()}@{partner.postal_code}.example.org",
    )


@transaction.atomic
def load_cergy_pontoise() -> Consortium:
    existing = Consortium.objects.filter(name=CERGY_NAME).first()
    if existing is not None:
        return existing
    consortium = Consortium.objects.create(
        name=CERGY_NAME,
        short_name="Cergy-Pontoise",
        platform="Système d'archivage électronique (SAE)",
        billing_mode=BillingMode.NONE,
        shares_costs=False,
    )
    cacp = _member(consortium, name="Communauté d'agglomération de Cergy-Pontoise",
                   short_name="CA Cergy-Pontoise", kind=PartnerKind.COMMUNAUTE_AGGLOMERATION,
                   siret=siret(9_600_001), address="Parvis de la Préfecture", postal_code="95000",
                   city="Cergy", representative_name="M. Jean-Paul Jeandon",
                   representative_title="Président",
                   billing_email="archives@cergypontoise.example.org")  # fmt: skip
    partner_services.consortium_set_coordinator(consortium=consortium, coordinator=cacp)
    osny = _member(consortium, name="Ville d'Osny", short_name="Osny", kind=PartnerKind.COMMUNE,
                   siret=siret(9_600_002), address="Hôtel de ville", postal_code="95520",
                   city="Osny", representative_name="M. Jean-Michel Levesque",
                   representative_title="Maire", billing_email="mairie@osny.example.org")  # fmt: skip
    partner_services.convention_save(
        convention=Convention(consortium=consortium),
        title="Convention de partenariat pour le déploiement d'un système d'archivage électronique",
        signed_on=datetime.date(2025, 9, 15),
        starts_on=datetime.date(2025, 10, 1),
        renewal_years=2,
    )
    people = {
        cacp: [
            _person(cacp, Civility.MRS, "Nadia", "Belkacem", PersonRole.DGS, "Directrice générale des services"),
            _person(cacp, Civility.MR, "Julien", "Marchal", PersonRole.ARCHIVES, "Pilote du projet SAE"),
        ],
        osny: [
            _person(osny, Civility.MR, "Olivier", "Tessier", PersonRole.DGS, "Directeur général des services"),
            _person(osny, Civility.MRS, "Camille", "Roux", PersonRole.ARCHIVES, "Responsable des archives"),
        ],
    }  # fmt: skip
    copil = bodies.body_create(
        consortium=consortium, kind=BodyKind.STEERING, name="COPIL du partenariat SAE",
        short_name="COPIL",
    )  # fmt: skip
    cotech = bodies.body_create(
        consortium=consortium, kind=BodyKind.TECHNICAL, name="COTECH du partenariat SAE",
        short_name="COTECH",
    )  # fmt: skip
    for body, index in ((copil, 0), (cotech, 1)):
        for rank, partner in enumerate((cacp, osny), 1):
            bodies.seat_add(body=body, person=people[partner][index], order=rank)
    # A remote COTECH held in June (its recording shared), a COPIL to come with two guests.
    starts_at = _at("2026-06-11", 14)
    held = meetings.meeting_schedule(
        body=cotech,
        starts_at=starts_at,
        video_link="https://visio.example.org/sae-cergy-cotech",
        chair=people[cacp][1],
        secretary=people[osny][1],
        convened_at=starts_at - datetime.timedelta(days=15),
    )
    meetings.item_add(meeting=held, title="Avancement des chantiers", kind=ItemKind.INFORMATION)
    with demo_clock.at(starts_at + datetime.timedelta(hours=2)):
        _attend(held, list(cotech.seats.select_related("partner")))
    with demo_clock.at(starts_at + datetime.timedelta(days=5)):
        meetings.minutes_close(meeting=held)
    upcoming = meetings.meeting_schedule(
        body=copil,
        starts_at=_at("2026-12-17", 10),
        place_preposition="à l'",
        place="Hôtel d'agglomération, Cergy",
        chair=people[cacp][0],
    )
    meetings.item_add(meeting=upcoming, title="Bilan des chantiers 2026", kind=ItemKind.INFORMATION)
    load_demo_programme(consortium)
    return consortium


def load(ligeris: Consortium, ccf_issuer=None) -> list[Consortium]:
    """The three other consortia, in the seeds' order of the issue (RECIA, CCF, Cergy);
    `ccf_issuer`: see `load_ccf`."""
    return [load_gip_recia(ligeris), load_ccf(ccf_issuer), load_cergy_pontoise()]
