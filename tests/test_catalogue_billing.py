"""Catalogue billing worked by hand (seed 004): twelfths for flat services, unit and volume
services not prorated, the annual titre in arrears inside the issuing window only, through
billing's titre engine; read back from the titre's PDF."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.services import titres
from catalogue import rules
from catalogue.models import CatalogueTitre, Subscription
from catalogue.services import catalogue as services
from catalogue.services.billing import catalogue_billing
from tests.catalogue_fixtures import D, build_catalogue
from tests.test_titres_pdf import text_of
from titres.models import RevenueTitle, TitreKind, TitreState
from titres.titre_pdf import render_titre

FEBRUARY = datetime.date(2026, 2, 16)


def test_the_worked_example_is_billed_in_arrears_and_printed(catalogue_world, world):
    subs = Subscription.objects.filter(partner=world.partner_a)
    assert {s.starts_on for s in subs} == {datetime.date(2025, 4, 1)}  # the month after the PV
    batch, notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    titre = RevenueTitle.objects.get(batch=batch)
    assert titre.debtor == world.partner_a  # one titre: nothing to B, nothing to the coordinator
    assert titre.kind == TitreKind.ANNUAL and titre.fiscal_year.year == 2025
    assert [(line.label, line.amount) for line in titre.lines.order_by("position")] == [
        ("CERT — Certificat de signature", D("500.00")),
        ("GED — Gestion électronique des documents", D("900.00")),
        ("STOCK — Stockage alloué", D("120.00")),
    ]
    assert titre.total == D("1520.00")
    assert "1 520,00 €" in notes[0].replace("\u202f", " ").replace("\u00a0", " ")

    issued = titres.batch_issue(batch=batch)
    titre.refresh_from_db()
    assert titre.state == TitreState.ISSUED and titre.reference == "2026-00001"
    assert issued.issue_date == FEBRUARY
    text = text_of(render_titre(titre))
    assert "Services 2025 du catalogue" in text
    # Billed in arrears under a voted catalogue: neither « à échoir » nor the contribution grid.
    assert titre.heading == "Titre annuel (terme échu)"
    flat = " ".join(text.split())
    assert "Titre annuel (terme échu)" in flat and "à échoir" not in flat
    assert "catalogue des services 2025 voté le 10/02/2025 (Délibération 2025-04)" in flat
    assert "grille tarifaire" not in flat
    for line in (
        "GED — Gestion électronique des documents",
        "1 × 1 200,00 € par an × 9/12",
        "900,00",
        "40 certificat(s) × 12,50 €",
        "500,00",
        "1,5 To × 80,00 €",
        "120,00",
        "1 520,00",
    ):
        assert line in text, line


def test_a_titre_is_refused_on_the_first_of_april(catalogue_world, world):
    with pytest.raises(ValidationError, match=r"du 01/01 – 31/03 seulement : le 01/04/2026"):
        catalogue_billing(consortium=world.consortium, issue_date=datetime.date(2026, 4, 1))
    assert not RevenueTitle.objects.exists()


def test_the_issuing_window_is_a_setting(catalogue_world, world, settings):
    settings.CATALOGUE_ISSUE_WINDOW = ((1, 1), (4, 30))
    batch, _notes = catalogue_billing(
        consortium=world.consortium, issue_date=datetime.date(2026, 4, 1)
    )
    assert batch.titres.get().total == D("1520.00")


def test_in_advance_bills_the_current_year(world, settings):
    settings.CATALOGUE_BILLING = "advance"
    build_catalogue(world)
    with pytest.raises(ValidationError, match="catalogue 2026 n'est pas voté"):
        catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)


def test_a_year_is_billed_once_and_a_dropped_batch_gives_it_back(catalogue_world, world):
    batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    with pytest.raises(ValidationError, match="Aucun membre à facturer"):
        catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    titres.batch_delete(batch=batch)
    assert not CatalogueTitre.objects.exists()
    batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    assert batch.titres.count() == 1


def test_the_coordinator_bears_its_own_services(catalogue_world, world):
    from catalogue.services import subscriptions

    report = subscriptions.report_record(
        consortium=world.consortium,
        partner=world.coordinator,
        signed_on=datetime.date(2024, 6, 3),
        signatories="M. Le Directeur",
    )
    subscriptions.subscription_create(report=report, service=catalogue_world.flat, quantity=D(1))
    batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    assert list(batch.titres.values_list("debtor", flat=True)) == [world.partner_a.pk]


def test_complementary_services_go_on_a_titre_apart(catalogue_world, world):
    unit = catalogue_world.unit
    unit.complementary = True
    unit.save(update_fields=["complementary"])
    batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    assert sorted(batch.titres.values_list("total", flat=True)) == [D("500.00"), D("1020.00")]


def test_a_catalogue_voted_is_frozen_and_copied_with_indexation(catalogue_world):
    catalogue = catalogue_world.catalogue
    with pytest.raises(ValidationError, match="est voté"):
        services.price_set(catalogue=catalogue, service=catalogue_world.flat, price=D("1"))
    copy = services.catalogue_copy(catalogue=catalogue, rate=D("2.5"))
    assert copy.year == 2026 and not copy.is_voted and copy.indexed_from == catalogue
    assert dict(copy.prices.values_list("service__code", "price")) == {
        "GED": D("1230.00"),
        "CERT": D("12.81"),  # 12,8125 to the cent, half up
        "STOCK": D("82.00"),
    }
    assert not services.voted_mid_year(catalogue)


def test_a_service_withdrawn_for_security_ends_its_subscriptions_with_a_notice(
    catalogue_world, world, mailoutbox, django_capture_on_commit_callbacks
):
    from catalogue.services import subscriptions

    later = subscriptions.report_record(
        consortium=world.consortium,
        partner=world.partner_b,
        signed_on=datetime.date(2025, 6, 10),
        signatories="M. Le Président",
    )
    subscriptions.subscription_create(report=later, service=catalogue_world.flat, quantity=D(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.service_withdraw(
            service=catalogue_world.flat,
            withdrawn_on=datetime.date(2025, 6, 20),
            reason="Faille de sécurité non corrigée par l'éditeur",
        )
    assert [m.to for m in mailoutbox] == [
        ["finances@agglopolys.example"],
        ["finances@blois.example"],
    ]
    assert not Subscription.objects.filter(partner=world.partner_b).exists()  # never started
    assert "GED est retiré du catalogue" in mailoutbox[0].subject
    assert "Faille de sécurité" in mailoutbox[0].body
    batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    flat = batch.titres.get().lines.get(label__startswith="GED")
    assert flat.amount == D("300.00")  # April to June: 3/12


@pytest.mark.parametrize(
    ("starts", "ends", "months"),
    [
        ((2025, 4, 1), None, 9),
        ((2024, 11, 1), None, 12),
        ((2025, 1, 1), (2025, 1, 1), 1),
        ((2025, 4, 1), (2025, 6, 20), 3),
        ((2026, 1, 1), None, 0),
        ((2023, 1, 1), (2024, 12, 31), 0),
    ],
)
def test_twelfths(starts, ends, months):
    ends = datetime.date(*ends) if ends else None
    assert rules.twelfths(datetime.date(*starts), ends, 2025) == months


def test_flat_amounts_multiply_before_dividing():
    assert rules.amount("flat", D("1000"), D("1"), 7) == D("583.33")
    assert rules.amount("unit", D("12.50"), D("40"), 1) == D("500.00")
    assert rules.amount("volume", D("80"), D("1.5"), 3) == D("120.00")
    assert rules.amount("unit", D("12.50"), D("40"), 0) == Decimal("0.00")


def _members_subscribed(world, service, count):
    from catalogue.services import subscriptions
    from tests.factories import PartnerFactory

    for _n in range(count):
        report = subscriptions.report_record(
            consortium=world.consortium,
            partner=PartnerFactory(consortium=world.consortium),
            signed_on=datetime.date(2024, 12, 3),
            signatories="M. Le Maire",
        )
        subscriptions.subscription_create(report=report, service=service, quantity=D(2))


def test_the_billing_run_queries_do_not_grow_with_the_members(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = build_catalogue(world)
    batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    titres.batch_delete(batch=batch)  # the fiscal year now exists, the content types are cached
    with CaptureQueriesContext(connection) as few:
        batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    titres.batch_delete(batch=batch)
    _members_subscribed(world, one.unit, 30)
    with CaptureQueriesContext(connection) as many:
        batch, _notes = catalogue_billing(consortium=world.consortium, issue_date=FEBRUARY)
    assert batch.titres.count() == 31
    assert len(many) == len(few)
