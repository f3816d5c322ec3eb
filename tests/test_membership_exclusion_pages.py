"""Exclusion pages: managers write, staff read, a partner user sees its own decided case (its
letter and deadline) and nothing else; each refusal is French and saves nothing.
Runs on SQLite and PostgreSQL."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.services.meetings import minutes_close
from membership.models import ExclusionCase, ExclusionGround, ExclusionState
from membership.selectors.exclusion import dashboard_rows, timeline_events
from membership.services import exclusion as services
from tests.exclusion_fixtures import decided_case_of_a, exclusion_copil
from tests.factories import PartnerFactory
from tests.governance_fixtures import vote_all

RECEIVED_ON = datetime.date(2026, 6, 22)


def _fields(case: ExclusionCase) -> tuple:
    case.refresh_from_db()
    return (
        case.state,
        case.decision_id,
        case.letter_reference,
        case.received_on,
        case.costs_pool_id,
    )


@pytest.fixture
def decided(world):
    return decided_case_of_a(world)


WRITES = {
    "membership:exclusion_letter": {"letter_sent_on": "2026-06-18", "letter_reference": "1A 23"},
    "membership:exclusion_receipt": {"received_on": "2026-06-22"},
    "membership:exclusion_costs": {"amount": "87,40", "invoice_date": "2026-07-01"},
}


@pytest.mark.parametrize("name", sorted(WRITES))
@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("secretary", 403), ("partner_a", 403), ("partner_b", 403)],
)
def test_only_managers_post(name, role, status, decided, client_for):
    before = _fields(decided)
    response = client_for(role).post(reverse(name, args=[decided.pk]), WRITES[name])
    assert response.status_code == status
    assert _fields(decided) == before


@pytest.mark.parametrize(("role", "status"), [("secretary", 403), ("partner_a", 403)])
def test_only_managers_open_or_schedule(role, status, world, client_for):
    client = client_for(role)
    data = {"partner": world.partner_b.pk, "ground": "other", "breach": "Manquement"}
    assert client.post(reverse("membership:exclusion_create"), data).status_code == status
    assert not ExclusionCase.objects.exists()


def test_a_partner_user_sees_only_its_own_decided_case(world, client_for):
    case = services.exclusion_open(
        partner=world.partner_a, ground=ExclusionGround.OTHER, breach="Manquement constaté"
    )
    client = client_for("partner_a")
    detail = reverse("membership:exclusion_detail", args=[case.pk])
    assert client.get(detail).status_code == 404  # a proposal is the COPIL's until decided
    assert "exclusion-panel" not in client.get(world.partner_a.get_absolute_url()).text


def test_the_manager_runs_the_case_through_the_pages(world, users, billing_year, client_for):
    """From the partner page to the deadline, with a refusal on the way."""
    client = client_for("finance")
    partner_page = client.get(world.partner_a.get_absolute_url()).text
    start = reverse("membership:exclusion_create") + f"?partenaire={world.partner_a.pk}"
    assert start.replace("?", "?") in partner_page.replace("&amp;", "&")
    page = client.get(start)
    assert page.status_code == 200
    response = client.post(
        reverse("membership:exclusion_create"),
        {"partner": world.partner_a.pk, "ground": "non_payment", "breach": ""},
    )
    assert response.status_code == 200
    assert "Un non-paiement se constate sur au moins un titre échu non soldé." in response.text
    assert not ExclusionCase.objects.exists()
    response = client.post(
        reverse("membership:exclusion_create"),
        {"partner": world.partner_a.pk, "ground": "other", "breach": "Aucun référent archives."},
    )
    case = ExclusionCase.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()

    copil = exclusion_copil(world)
    response = client.post(
        reverse("membership:exclusion_schedule", args=[case.pk]),
        {"meeting": copil.meeting.pk, "number": "2026-07", "motion": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (
        case.state == ExclusionState.SCHEDULED
        and case.decision.concerned_partner == world.partner_a
    )
    vote_all(copil.meeting, case.decision)
    minutes_close(meeting=copil.meeting)

    receipt = reverse("membership:exclusion_receipt", args=[case.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(receipt, {"received_on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "Cette date est à venir : indiquez celle qui a eu lieu." in response.text
    assert _fields(case)[3] is None
    letter = reverse("membership:exclusion_letter", args=[case.pk])
    response = client.post(letter, {"letter_sent_on": "2026-06-18", "letter_reference": "1A 23"})
    assert response.status_code == 302
    assert client.post(receipt, {"received_on": "2026-06-22"}).status_code == 302
    costs = reverse("membership:exclusion_costs", args=[case.pk])
    response = client.post(costs, {"amount": "87,40", "invoice_date": "2026-07-01", "label": ""})
    assert response.status_code == 302, response.text[response.text.find("errorlist") :][:600]
    case.refresh_from_db()
    assert str(case.costs_pool.budget_amount) == "87.40"

    detail = client.get(case.get_absolute_url()).text
    assert 'id="exclusion-deadline">22/12/2026<' in detail
    listing = client.get(reverse("membership:exclusion_list")).text
    assert "22/12/2026" in listing and "Ville de Blois" in listing
    # The excluded partner sees its deadline and its letter.
    own = client_for("partner_a")
    assert (
        'id="partner-exclusion-deadline">22/12/2026<'
        in own.get(world.partner_a.get_absolute_url()).text
    )
    pdf = own.get(reverse("membership:exclusion_letter_pdf", args=[case.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client_for("partner_b").get(case.get_absolute_url()).status_code == 404


def test_the_overdue_page_offers_to_open_a_case(world, issued_batch, client_for):
    page = client_for("finance").get(reverse("billing:overdue")).text
    assert "Article 8 de la convention" in page and "Article 10" not in page
    start = reverse("membership:exclusion_create") + f"?partenaire={world.partner_a.pk}"
    assert f'href="{start}"' in page


def test_the_deadlines_page_costs_the_same_queries_for_more_cases(world, client_for):
    decided_case_of_a(world, received_on=RECEIVED_ON)
    client = client_for("finance")
    url = reverse("membership:exclusion_list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(3):
        partner = PartnerFactory(consortium=world.consortium, name=f"Commune {n}")
        services.exclusion_open(partner=partner, ground=ExclusionGround.OTHER, breach="Manquement")
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)


def test_timeline_and_dashboard(world, decided):
    titles = [e.title for e in timeline_events(world.partner_a)]
    assert titles == ["Procédure d'exclusion ouverte", "Exclusion décidée par le COPIL"]
    rows = dashboard_rows(world.consortium)
    assert [(r["partner"], r["title"]) for r in rows] == [
        (world.partner_a, "Exclusion décidée : lettre recommandée à envoyer")
    ]
    services.exclusion_receipt_record(case=decided, received_on=RECEIVED_ON)
    events = {e.title: e for e in timeline_events(world.partner_a)}
    assert events["Fin du délai de récupération des données (six mois)"].day == datetime.date(
        2026, 12, 22
    )
