"""Service commitments' pages: forms posted empty by every role write nothing; a request
recorded and answered from the pages; the monthly report on the page and in CSV/XLSX; a
partner's own requests only; queries that do not grow with the requests."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from commitments.models import Commitment, Referent, ServiceRequest
from tests.commitment_fixtures import paris, record, seed_commitments
from tests.commitments_matrix import COMMITMENTS_POST_MATRIX, commitments_args
from tests.test_permissions import ROLES

CASES = [
    (name, role, expected[i])
    for name, (_key, expected) in COMMITMENTS_POST_MATRIX.items()
    for i, role in enumerate(ROLES)
]


def _rows():
    return tuple(m.objects.count() for m in (Commitment, Referent, ServiceRequest))


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{n}-{r}" for n, r, _ in CASES])
def test_post_matrix(name, role, expected, world, client_for):
    key, _ = COMMITMENTS_POST_MATRIX[name]
    args = commitments_args(world, key) if key else []
    before = _rows()
    response = client_for(role).post(reverse(name, args=args), {})
    assert response.status_code == expected, f"{role} POST {name}"
    assert _rows() == before


def test_finance_records_a_request_answered_in_eight_days(world, client_for):
    admin = seed_commitments(world)["admin"]
    client = client_for("finance")
    response = client.post(
        reverse("commitments:request_create"),
        {
            "partner": world.partner_a.pk,
            "commitment": admin.pk,
            "subject": "Ajout d'un utilisateur",
            "received_at": "2026-03-02T09:00",
        },
    )
    request = ServiceRequest.objects.get()
    assert response["Location"] == request.get_absolute_url()
    response = client.post(
        reverse("commitments:request_update", args=[request.pk]),
        {"answered_at": "2026-03-10T09:00"},
    )
    assert response.status_code == 302
    page = client.get(request.get_absolute_url()).content.decode()
    assert "09/03/2026 09:00" in page and "manqué" in page
    report = client.get(reverse("commitments:report"), {"mois": "2026-03"}).content.decode()
    assert "Ville de Blois" in report
    csv = client.get(reverse("commitments:report"), {"mois": "2026-03", "export": "csv"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Membre;Engagement;Demandes;Tenus;Manqués;En cours",
        "Ville de Blois;Réponse à une demande administrative;1;0;1;0",
    ]
    xlsx = client.get(reverse("commitments:report"), {"mois": "2026-03", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))][:6] == [
        "Ville de Blois",
        "Réponse à une demande administrative",
        1,
        0,
        1,
        0,
    ]


def test_a_partner_reads_its_own_requests_and_report(world, client_for):
    support = seed_commitments(world)["support"]
    record(world, support, paris(2026, 3, 6, 16), subject="Ticket de Blois")
    record(
        world,
        support,
        paris(2026, 3, 6, 16),
        partner=world.partner_b,
        subject="Ticket d'Agglopolys",
    )
    page = client_for("partner_b").get(reverse("commitments:request_list")).content.decode()
    assert "Ticket d&#x27;Agglopolys" in page and "Ticket de Blois" not in page
    report = client_for("partner_b").get(reverse("commitments:report"), {"mois": "2026-03"})
    assert "Agglopolys" in report.content.decode()
    assert "Ville de Blois" not in report.content.decode()


@pytest.mark.parametrize("name", ["commitments:request_list", "commitments:report"])
def test_queries_do_not_grow_with_the_requests(name, world, client_for):
    support = seed_commitments(world)["support"]
    record(world, support, paris(2026, 3, 6, 16))
    client = client_for("finance")
    client.get(reverse(name), {"mois": "2026-03"})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name), {"mois": "2026-03"})
    for hour in range(9, 17):
        record(world, support, paris(2026, 3, 9, hour), partner=world.partner_b)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(name), {"mois": "2026-03"})
    assert len(many) == len(few)
