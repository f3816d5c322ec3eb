"""The minutes read as a French secretary writes them: the demo COPIL's PDF read back with pypdf,
and the wording helpers behind it."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from governance import voting, wording
from governance.demo import load_demo_governance
from governance.minutes import minutes_pdf
from governance.models import Meeting
from governance.services.votes import rule_text
from ligeris.lib import french
from partners.demo import load_demo_consortium
from partners.models import Civility, Person

PARIS = ZoneInfo("Europe/Paris")


def _pages(content: bytes) -> list[str]:
    """Each page's text, line breaks (and a compound name broken at its hyphen) folded."""
    pages = []
    for page in PdfReader(io.BytesIO(content)).pages:
        text = page.extract_text().replace("-\n", "-")
        pages.append(" ".join(text.split()))  # also folds the non-breaking spaces
    return pages


@pytest.fixture
def demo_minutes(db) -> list[str]:
    consortium = load_demo_consortium()
    load_demo_governance(consortium)
    meeting = Meeting.objects.get(body__short_name="COPIL")
    return _pages(minutes_pdf(meeting))


def test_demo_minutes_read_as_a_french_secretary_writes_them(demo_minutes):
    text = " ".join(demo_minutes)
    for expected in (
        # Elision, the place with its article, the time, the convocation typed in.
        "Sophie Martineau (pouvoir d'Éric Fontaine)",
        "s'est réuni à l'Hôtel du Département, Tours",
        "Le jeudi 12 mars 2026 à 14 h 00",
        "sur convocation en date du 20 février 2026",
        # The chair with civility and office, first of the attendance.
        "sous la présidence de M. Pierre Lemoine, directeur général des services du Département "
        "d'Indre-et-Loire.",
        "Présents (16) : M. Pierre Lemoine (Indre-et-Loire), président de séance ; Mme Claire "
        "Dumontet (Indre-et-Loire) ; Mme Isabelle Moreau (Centre-Val de Loire) ;",
        # One line per proxy giver, feminine where the person is a woman.
        "M. Éric Fontaine (Loiret), excusé, a donné pouvoir à Mme Sophie Martineau (Cher)",
        "Mme Céline Blanc (Tours), excusée, a donné pouvoir à Mme Sylvie Renaud (Tours Métropole)",
        "Mme Hélène Gaudin (Eure-et-Loir), excusée.",
        "La secrétaire de séance : Mme Claire Dumontet.",
        # Plurals written out; the COPIL numbers its deliberations.
        "Quorum : 11 tenants délibérants présents ou représentés sur 12",
        "Voix délibératives : 11 pour, aucune contre, aucune abstention.",
        "Délibération n° 2026-01 — Feuille de route 2026",
        "1. Bilan d'activité 2025",
        # Signatures under the title of the office.
        "Le Directeur général des services du Département d'Indre-et-Loire,",
        "La secrétaire de séance,",
    ):
        assert expected in text, expected
    assert "(s)" not in text and "(e)" not in text
    assert "14:00" not in text
    assert "de Éric" not in text


def test_demo_minutes_list_members_in_protocol_order(demo_minutes):
    """The coordinator, then the Région, then the convention's order: not alphabetical."""
    present = demo_minutes[0].split("Présents (16) :", 1)[1].split("Excusés", 1)[0]
    names = ["Lemoine", "Dumontet", "Moreau", "Martineau", "Perrot", "Rousseau", "Besnard"]
    positions = [present.index(name) for name in names]
    assert positions == sorted(positions)


def test_demo_minutes_pages(demo_minutes):
    """The first page is full (the first decision starts on it), and every page's footer carries
    the reference and its whole page number."""
    assert len(demo_minutes) == 3
    assert "Délibération n° 2026-01 — Feuille de route 2026" in demo_minutes[0]
    assert "Adoptée par consensus." in demo_minutes[0]
    for number, page in enumerate(demo_minutes, 1):
        assert page.endswith(f"Procès-verbal COPIL du 12/03/2026 Page {number} / 3"), page[-80:]


# --- The wording helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("Éric Fontaine", "d'Éric Fontaine"),
        ("Hélène Gaudin", "d'Hélène Gaudin"),
        ("Anne Rousseau", "d'Anne Rousseau"),
        ("Pierre Lemoine", "de Pierre Lemoine"),
        ("Yannick Le Gall", "de Yannick Le Gall"),
    ],
)
def test_of_elides_before_a_vowel_or_a_mute_h(words, expected):
    assert french.of(words) == expected


def test_articles_times_and_dates():
    assert french.with_article("Maire de Châteauroux", feminine=False) == "le Maire de Châteauroux"
    assert french.with_article("Présidente", feminine=True) == "la Présidente"
    assert french.with_article("Adjointe au maire", feminine=True) == "l'Adjointe au maire"
    assert french.hour(datetime.datetime(2026, 3, 12, 14, 0, tzinfo=PARIS)) == "14\u00a0h\u00a000"
    assert french.hour(datetime.datetime(2026, 3, 12, 8, 5, tzinfo=PARIS)) == "8\u00a0h\u00a005"
    assert french.long_date(datetime.date(2026, 4, 1)) == "mercredi 1er avril 2026"
    assert french.long_date(datetime.date(2026, 3, 12)) == "jeudi 12 mars 2026"
    assert french.lower_first("Directeur général des services") == "directeur général des services"
    assert french.lower_first("DGS du Loiret") == "DGS du Loiret"


def test_plurals_are_never_written_with_parentheses():
    assert wording.represented_tenants(1) == "1 tenant délibérant présent ou représenté"
    assert wording.represented_tenants(2) == "2 tenants délibérants présents ou représentés"
    assert wording.represented_tenants(0) == "aucun tenant délibérant présent ou représenté"
    assert wording.abstentions(0) == "aucune abstention"
    assert wording.abstentions(1) == "1 abstention"
    assert wording.abstentions(3) == "3 abstentions"
    assert wording.tally(10, 0, 1) == "10 pour, aucune contre, 1 abstention"
    for count in range(4):
        for ballots in (
            [voting.Ballot(f"t{i}", voting.ABSTAIN) for i in range(count)]
            + [voting.Ballot("f", voting.FOR)],
            [voting.Ballot(f"t{i}", voting.AGAINST) for i in range(count)]
            + [voting.Ballot(f"f{i}", voting.FOR) for i in range(2 * count + 1)],
        ):
            text = rule_text(voting.count(ballots), voting.BASE_CAST)
            assert "(s)" not in text and not re.search(r"\b0 abstention", text), text


@pytest.mark.django_db
def test_titles_follow_the_person():
    madam = Person(civility=Civility.MRS, first_name="Claire", last_name="Dumontet")
    sir = Person(civility=Civility.MR, first_name="Pierre", last_name="Lemoine")
    unknown = Person(first_name="Camille", last_name="Besnard")
    assert madam.formal_name == "Mme\u00a0Claire Dumontet"
    assert unknown.formal_name == "Camille Besnard"
    assert wording.secretary_heading(madam) == "La secrétaire de séance"
    assert wording.secretary_heading(sir) == "Le secrétaire de séance"
    assert wording.chair_heading(madam, "") == "La présidente de séance"
    assert wording.chair_heading(madam, "Maire de Blois") == "La Maire de Blois"
    assert wording.chair_heading(sir, "Maire de Tours") == "Le Maire de Tours"
    assert wording.chair_heading(None, "") == "Le président de séance"
    assert wording.excused(madam) == "excusée" and wording.excused(unknown) == "excusé"
