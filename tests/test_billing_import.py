"""Volume import: units normalised, a preview of every row's errors, nothing saved unless valid."""

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from billing.imports import MAX_ROWS, parse_volume
from billing.models import StorageVolume, VolumeImport
from billing.services.volumes import volume_import_apply, volume_import_preview


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("text", "unit", "gigabytes"),
    [
        ("1,25 To", "", "1250.000"),
        ("1250", "Go", "1250.000"),
        ("1 250,5", "", "1250.500"),  # decimal comma, Go by default
        ("830000", "Mo", "830.000"),
        ("0,5", "To", "500.000"),
        ("2.5TB", "", "2500.000"),
        ("0", "", "0.000"),
    ],
)
def test_units_are_normalised_to_gigabytes(text, unit, gigabytes):
    assert parse_volume(text, unit) == (Decimal(gigabytes), None)


def _preview(world, name, data):
    return volume_import_preview(consortium=world.consortium, file_name=name, data=data)


def test_valid_csv_previewed_then_imported(world):
    data = csv_bytes(
        "tenant;date;volume;unité",
        "blois;01/01/2026;1,25;To",
        "agglo;01/01/2026;3000;Go",
        "blaisois;2026-01-01;2 050,000;",
    )
    volume_import, parsed = _preview(world, "volumes.csv", data)
    assert parsed.is_valid
    assert not StorageVolume.objects.exists()  # the preview saves no volume
    assert volume_import_apply(volume_import=volume_import) == 3
    volumes = dict(StorageVolume.objects.values_list("tenant__code", "gigabytes"))
    assert volumes == {
        "blois": Decimal("1250.000"),
        "agglo": Decimal("3000.000"),
        "blaisois": Decimal("2050.000"),
    }
    with pytest.raises(ValidationError, match="déjà été importé"):
        volume_import_apply(volume_import=volume_import)


def test_valid_xlsx_with_real_dates_replaces_a_reading(world):
    StorageVolume.objects.create(
        tenant=world.tenant_a, measured_on=datetime.date(2026, 1, 1), gigabytes=Decimal(1)
    )
    data = xlsx_bytes(
        [
            ["Tenant", "Date du relevé", "Volumétrie"],
            ["blois", datetime.datetime(2026, 1, 1), 1500.5],
            ["cd37", "01/01/2026", "8 To"],
        ]
    )
    volume_import, parsed = _preview(world, "volumes.xlsx", data)
    assert parsed.is_valid, [r.errors for r in parsed.rows] + parsed.errors
    volume_import_apply(volume_import=volume_import)
    volumes = dict(StorageVolume.objects.values_list("tenant__code", "gigabytes"))
    assert volumes == {"blois": Decimal("1500.500"), "cd37": Decimal("8000.000")}


def _big_csv(rows: int) -> bytes:
    lines = ["tenant;date;volume"] + [f"blois;01/01/2026;{i}" for i in range(rows)]
    return csv_bytes(*lines)


# The corpus of bad files: (name, bytes, the French message expected, where it appears).
CORPUS = [
    (
        "colonnes.csv",
        csv_bytes("code_client;jour;taille", "blois;01/01/2026;3"),
        "file",
        "Colonnes manquantes : tenant, date, volume.",
    ),
    (
        "negatif.csv",
        csv_bytes("tenant;date;volume", "blois;01/01/2026;-3"),
        "row",
        "volume négatif (-3)",
    ),
    (
        "texte.csv",
        csv_bytes("tenant;date;volume", "blois;01/01/2026;beaucoup"),
        "row",
        "volume « beaucoup » : ce n'est pas un nombre",
    ),
    (
        "inconnu.csv",
        csv_bytes("tenant;date;volume", "paris;01/01/2026;3"),
        "row",
        "tenant « paris » inconnu",
    ),
    (
        "doublon.csv",
        csv_bytes("tenant;date;volume", "blois;01/01/2026;3", "blois;2026-01-01;4"),
        "row",
        "doublon de la ligne 2 (même tenant, même date)",
    ),
    (
        "date.csv",
        csv_bytes("tenant;date;volume", "blois;31/02/2026;3"),
        "row",
        "date « 31/02/2026 » invalide (attendu JJ/MM/AAAA)",
    ),
    (
        "unite.csv",
        csv_bytes("tenant;date;volume;unité", "blois;01/01/2026;3;Xo"),
        "row",
        "unité « xo » inconnue (Mo, Go, To ou Po)",
    ),
    ("vide.csv", b"", "file", "Le fichier est vide."),
    ("vide.xlsx", xlsx_bytes([]), "file", "Le fichier est vide."),
    (
        "entete.xlsx",
        xlsx_bytes([["tenant", "date", "volume"]]),
        "file",
        "Le fichier est vide : aucune ligne de relevé.",
    ),
    (
        "entete.csv",
        csv_bytes("tenant;date;volume"),
        "file",
        "Le fichier est vide : aucune ligne de relevé.",
    ),
    (
        "image.csv",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
        "file",
        "Le fichier n'est pas un tableur CSV ou XLSX lisible.",
    ),
    (
        "texte.txt",
        b"Bonjour, ceci est une lettre.\nCordialement",
        "file",
        "Colonnes manquantes : tenant, date, volume.",
    ),
    ("faux.xlsx", b"PK\x03\x04pas un classeur", "file", "Le classeur XLSX est illisible."),
    (
        "enorme.csv",
        _big_csv(50_000),
        "file",
        "Le fichier compte plus de 20\u202f000 lignes : au plus 20\u202f000 par import.",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "where", "message"), CORPUS, ids=[entry[0] for entry in CORPUS]
)
def test_bad_files_give_the_french_message_and_save_nothing(world, name, data, where, message):
    volume_import, parsed = _preview(world, name, data)
    assert volume_import is None
    assert not parsed.is_valid
    if where == "file":
        assert any(message in error for error in parsed.errors), parsed.errors
    else:
        assert any(message in error for row in parsed.rows for error in row.errors), [
            row.errors for row in parsed.rows
        ]
    assert not StorageVolume.objects.exists()
    assert not VolumeImport.objects.exists()


def test_every_row_error_is_listed_and_good_rows_are_not_saved(world):
    data = csv_bytes(
        "tenant;date;volume",
        "blois;01/01/2026;1,25 To",  # valid
        "paris;01/01/2026;3",
        "agglo;hier;-1",
        "cd37;01/01/2026;",
    )
    volume_import, parsed = _preview(world, "mixte.csv", data)
    assert volume_import is None
    errors = {row.line: row.errors for row in parsed.rows_in_error}
    assert errors == {
        3: ["tenant « paris » inconnu"],
        4: ["date « hier » invalide (attendu JJ/MM/AAAA)", "volume négatif (-1)"],
        5: ["volume manquant"],
    }
    assert not StorageVolume.objects.exists()


def test_the_maximum_is_accepted(world):
    assert MAX_ROWS == 20_000
    lines = ["tenant;date;volume"] + [
        f"blois;{(datetime.date(2000, 1, 1) + datetime.timedelta(days=i)).isoformat()};{i}"
        for i in range(MAX_ROWS)
    ]
    volume_import, parsed = _preview(world, "max.csv", csv_bytes(*lines))
    assert parsed.is_valid
    assert volume_import_apply(volume_import=volume_import) == MAX_ROWS
    assert StorageVolume.objects.count() == MAX_ROWS


@settings(max_examples=200, deadline=None)
@given(
    value=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False),
    unit=st.sampled_from(["Mo", "Go", "To", "mo", "GB", "TB"]),
    comma=st.booleans(),
)
def test_any_written_volume_reads_back(value, unit, comma):
    text = f"{value}".replace(".", ",") if comma else f"{value}"
    factor = {"mo": Decimal("0.001"), "go": 1, "gb": 1, "to": 1000, "tb": 1000}[unit.lower()]
    expected = (value * factor).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)
    assert parse_volume(f"{text} {unit}") == (expected, None)
    assert parse_volume(text, unit) == (expected, None)
