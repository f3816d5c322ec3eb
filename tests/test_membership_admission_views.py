"""The candidacy pages, the simulation page and its XLSX and PDF for the COPIL file."""

import datetime
import io
import subprocess
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from membership.models import Candidacy, CandidacyState
from partners import services as partner_services
from partners.models import PartnerStatus
from tests.admission_fixtures import build_admission, build_candidacy
from tests.factories import PartnerFactory

SIMULATION = "membership:candidacy_simulation"


def _url(name, candidacy):
    return reverse(name, args=[candidacy.pk]) + "?annee=2026"


def test_the_simulation_page_shows_the_table(world, client_for):
    year = build_admission(world, opening=datetime.date(2026, 1, 1))
    page = client_for("finance").get(_url(SIMULATION, year.candidacy)).content.decode()
    # Figures of test_membership_admission_simulation, as French readers read them.
    for text in ("4 300,00", "3 548,08", "-751,92", "-17,49 %", "3 086,54", "18 900,00"):
        assert text.replace(" ", "\u202f") in page or text in page, text


def test_the_xlsx_holds_the_figures_and_sums_to_the_pools(world, client_for):
    year = build_admission(world, opening=datetime.date(2026, 1, 1))
    response = client_for("finance").get(
        _url("membership:candidacy_simulation_xlsx", year.candidacy)
    )
    assert response.status_code == 200
    assert "simulation-adhesion-chinon-2026.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Partenaire"
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert [Decimal(str(v)) for v in by_name["Ville de Blois"][:3]] == [
        Decimal("4300"),
        Decimal("3548.08"),
        Decimal("-751.92"),
    ]
    assert Decimal(str(by_name["Ville de Chinon"][1])) == Decimal("3086.54")
    total = by_name["Total"]
    assert Decimal(str(total[0])) == Decimal(str(total[1])) == Decimal("18900")


def test_the_pdf_holds_the_figures(world, client_for, tmp_path):
    year = build_admission(world, opening=datetime.date(2026, 1, 1))
    response = client_for("secretary").get(
        _url("membership:candidacy_simulation_pdf", year.candidacy)
    )
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    path = tmp_path / "simulation.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "Adhésion de Ville de Chinon" in text
    for figure in ("4 300,00", "3 548,08", "-751,92", "-17,49", "3 086,54", "18 900,00"):
        assert figure in text.replace("\u202f", " ").replace("\xa0", " "), figure


def test_no_year_to_simulate_says_so_in_french(world, client_for):
    candidacy = build_candidacy(world)
    page = client_for("finance").get(reverse(SIMULATION, args=[candidacy.pk]))
    assert "Aucun exercice" in page.content.decode()
    download = client_for("finance").get(
        reverse("membership:candidacy_simulation_xlsx", args=[candidacy.pk])
    )
    assert download.status_code == 302


def _add_partner(world, n):
    partner = PartnerFactory(
        consortium=world.consortium, name=f"Commune {n:02d}", short_name=f"C{n:02d}"
    )
    partner_services.tenant_create(
        consortium=world.consortium,
        code=f"c{n:02d}",
        name=f"Commune {n:02d}",
        opened_on=datetime.date(2024, 1, 1),
        payer=partner,
    )
    return partner


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_simulation_page_queries_do_not_grow_with_partners(world, client_for):
    year = build_admission(world)
    year.fiscal_year.pools.filter(code="vol").delete()  # new tenants have no volume reading
    client = client_for("finance")
    url = _url(SIMULATION, year.candidacy)
    client.get(url)  # sessions, caches
    few = _queries(client, url)
    for n in range(8):
        _add_partner(world, n)
    assert "Commune 07" in client.get(url).content.decode()
    assert _queries(client, url) == few


def test_the_file_page_shows_the_criteria_and_refuses_the_copil_without_it(world, client_for):
    candidacy = build_candidacy(world, complete=False)
    page = client_for("finance").get(candidacy.get_absolute_url()).content.decode()
    assert "Service informatique" in page and "Il manque un service informatique" in page


def test_finance_puts_the_file_to_the_copil(world, copil, client_for):
    candidacy = build_candidacy(world)
    client = client_for("finance")
    url = reverse("membership:candidacy_put_to_copil", args=[candidacy.pk])
    response = client.post(url, {"meeting": copil.meeting.pk, "number": "2026-07"})
    assert response.status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.state == CandidacyState.AT_COPIL
    assert candidacy.decision.item.number == "2026-07"
    assert candidacy.decision.item.meeting == copil.meeting


def test_the_cotech_is_not_offered_to_decide_an_admission(world, copil, client_for):
    candidacy = build_candidacy(world)
    url = reverse("membership:candidacy_put_to_copil", args=[candidacy.pk])
    response = client_for("finance").post(url, {"meeting": copil.cotech_meeting.pk})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert Candidacy.objects.get().state == CandidacyState.DRAFT


def test_finance_creates_a_file_and_adds_a_tenant(world, client_for):
    candidate = PartnerFactory(
        consortium=world.consortium, name="Ville de Loches", status=PartnerStatus.CANDIDATE
    )
    client = client_for("finance")
    response = client.post(
        reverse("membership:candidacy_create"),
        {
            "partner": candidate.pk,
            "has_archives_service": "on",
            "archives_head": "Mme A",
            "has_it_service": "on",
            "it_head": "M. B",
            "wished_opening_on": "2027-01-01",
        },
    )
    assert response.status_code == 302, response.content.decode()
    candidacy = Candidacy.objects.get(partner=candidate)
    response = client.post(
        reverse("membership:requested_tenant_create", args=[candidacy.pk]),
        {"code": "loches", "name": "Loches", "payer": candidate.pk, "volume_gb": "250,5"},
    )
    assert response.status_code == 302, response.content.decode()
    assert candidacy.requested_tenants.get().volume_gb == Decimal("250.5")
