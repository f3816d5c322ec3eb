"""The amendment's PDF names every party, the decision it comes from and its object.

Read back with poppler's pdftotext (-layout keeps a party's row on one line).
"""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse

from membership.amendment_pdf import amendment_pdf
from tests.membership_amendments_fixtures import approve, world_amendment

pytestmark = pytest.mark.django_db


def _text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip(
            "!!! pdftotext (poppler-utils) NOT FOUND: the amendment PDF test is SKIPPED !!!"
        )
    path = tmp_path / "avenant.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, timeout=60
    )
    return " ".join(result.stdout.decode().split())


def test_the_pdf_lists_every_party_the_decision_and_the_object(world, copil, tmp_path):
    file = world_amendment(copil)
    approve(file, world.partner_a, day=datetime.date(2026, 4, 2))

    text = _text(amendment_pdf(file), tmp_path)

    assert "Avenant n° 1" in text
    assert "Feuille de route 2026" in text  # the object (an "other" amendment: the item)
    assert "Le COPIL adopte la feuille de route 2026." in text
    assert "Décision du Comité de pilotage réuni le 10/03/2026" in text
    assert "Parties (3)" in text
    for partner in (world.coordinator, world.partner_a, world.partner_b):
        assert partner.name in text
    assert "Conseil municipal, 02/04/2026" in text
    assert text.count("en attente") == 2  # B and the coordinator
    assert "En attente des approbations" in text
    assert "article 10" in text


def test_the_pdf_is_served_to_a_partner_user_of_the_consortium(world, copil, client_for):
    file = world_amendment(copil)
    response = client_for("partner_b").get(reverse("membership:amendment_pdf", args=[file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="avenant-01.pdf"'
    assert response.content.startswith(b"%PDF-")
