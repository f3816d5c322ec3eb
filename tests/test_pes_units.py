"""The pure parts of the PES export: which original line a correction reduces, and text as the
PES takes it (Latin-1, one line, postal norm)."""

from decimal import Decimal

import pytest
from lxml import etree

from tests.pes_fixtures import annual_batch, export
from titres.pes import schema
from titres.pes.corrections import CorrectionLine, OriginalLine, Overreduced, allocate
from titres.pes.text import free_text, latin1, postal, postal_lines

ORIGINAL = [
    OriginalLine(11, 1, "Hébergement", Decimal("100.00")),
    OriginalLine(12, 2, "Stockage", Decimal("50.00")),
    OriginalLine(13, 3, "Installation", Decimal("30.00")),
]


def test_a_correction_line_takes_the_line_of_its_label_first():
    parts = allocate(ORIGINAL, [[CorrectionLine(21, "Stockage", Decimal("20.00"))]])
    assert parts == {21: [(2, Decimal("20.00"))]}


def test_a_correction_line_takes_the_line_of_its_pool_next():
    """A true-up line names the recipient ("Installation — Blois"); the annual titre's member
    share does not ("Installation")."""
    line = CorrectionLine(21, "Installation — Blois", Decimal("40.00"))
    assert allocate(ORIGINAL, [[line]]) == {21: [(3, Decimal("30.00")), (1, Decimal("10.00"))]}


def test_a_correction_spreads_over_what_the_earlier_ones_left():
    reduction = [CorrectionLine(21, "Réduction", Decimal("120.00"))]
    cancellation = [CorrectionLine(31, "Annulation", Decimal("60.00"))]
    parts = allocate(ORIGINAL, [reduction, cancellation])
    assert parts[21] == [(1, Decimal("100.00")), (2, Decimal("20.00"))]
    assert parts[31] == [(2, Decimal("30.00")), (3, Decimal("30.00"))]


def test_a_line_that_names_its_original_line_keeps_it():
    named = [CorrectionLine(21, "Hébergement", Decimal("25.00"), names=13)]
    assert allocate(ORIGINAL, [named]) == {21: [(3, Decimal("25.00"))]}
    too_much = [CorrectionLine(22, "Installation", Decimal("30.01"), names=13)]
    with pytest.raises(Overreduced) as info:
        allocate(ORIGINAL, [too_much])
    assert info.value.left == Decimal("0.01")


def test_no_correction_takes_more_than_the_titre():
    with pytest.raises(Overreduced):
        allocate(ORIGINAL, [[CorrectionLine(21, "Tout", Decimal("180.01"))]])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Œuvre « Tours » 1 800 €", "Oeuvre « Tours » 1 800 EUR"),
        ("l’été — 中文", "l'été - ZhongWen"),
        ("deux\nlignes\t et\x07 contrôle", "deux lignes et contrôle"),
        ("espace\u00a0insécable\u202fétroite", "espace insécable étroite"),
    ],
)
def test_latin1_keeps_latin1_and_transliterates_the_rest(text, expected):
    assert latin1(text) == expected
    latin1(text).encode("iso-8859-1")  # never raises


def test_postal_text_is_upper_case_ascii_and_wraps_on_words():
    assert postal("Châteauroux Métropole & <Cie>") == "CHATEAUROUX METROPOLE & <CIE>"
    lines = postal_lines("Centre intercommunal d'action sociale de Chartres Métropole", 38, 2)
    assert lines == ["CENTRE INTERCOMMUNAL D'ACTION SOCIALE", "DE CHARTRES METROPOLE"]
    assert all(len(line) <= 38 for line in postal_lines("x" * 100, 38, 2))


def test_free_text_drops_what_the_pes_refuses():
    assert free_text("  .  ", 10) == ""
    assert free_text("nc", 10) == ""
    assert free_text("000", 10) == ""
    assert free_text("Objet assez long pour être coupé", 20) == "Objet assez long"


def _flux_with(tag: str, old: str, new: str, content: bytes) -> bytes:
    root = etree.fromstring(content)
    element = root.find(f".//{tag}")
    assert element.get("V") == old
    element.set("V", new)
    return etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True)


def test_the_schema_refuses_what_helios_refuses(world, billing_year):
    """The shipped XSD is no rubber stamp: each of these changes to a valid flux is refused."""
    _name, content, _parsed = export(annual_batch(world, billing_year))
    for tag, old, new in (
        ("MtHT", None, "-1.00"),  # amounts are positive
        ("MtHT", None, "1,00"),  # with a dot
        ("IdUnique", None, "PJ-2026-1"),  # letters and digits only
        ("CodCol", "037", "000"),
        ("IdPost", "037000", "37"),
        ("TypBord", "01", "04"),  # retour only
        ("Majo", "0", "true"),
    ):
        old = old if old is not None else etree.fromstring(content).find(f".//{tag}").get("V")
        assert schema.errors_of(_flux_with(tag, old, new, content)), (tag, new)
    # A data item out of its order, and a dépense name, are refused too.
    root = etree.fromstring(content)
    bloc = root.find(".//BlocPiece")
    bloc.insert(0, bloc.find("NatPce"))
    assert schema.errors_of(etree.tostring(root))
    root = etree.fromstring(content)
    root.find(".//InfoLignePiece").tag = "InfoLignePce"
    assert schema.errors_of(etree.tostring(root))
