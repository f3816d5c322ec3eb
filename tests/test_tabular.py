"""ligeris.lib.tabular: each bound of the archive check, the encodings, the line numbers.

The element budgets follow max_rows, so a small max_rows tries each of them on a small file.
"""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from billing.imports import MAX_ROWS, parse_volume_file
from ligeris.lib.tabular import TableError, open_table
from ligeris.lib.tabular.archive import MAX_CELLS_PER_ROW, MAX_MEMBERS, MAX_OTHER_ELEMENTS
from tests.hostile_files import HEADER, MAIN, row, sheet, simple_workbook, workbook, zip_bomb

CODES = {"blois", "agglo", "cd37"}


def read(name: str, data: bytes, *, max_rows: int = 10) -> list[tuple[int, list[str]]]:
    with open_table(name, data, max_rows=max_rows) as table:
        return list(table.rows(range(3)))


def refused(data: bytes, *, max_rows: int = 10, name: str = "v.xlsx") -> str:
    with pytest.raises(TableError) as error:
        read(name, data, max_rows=max_rows)
    return str(error.value)


def test_rows_numbered_as_in_the_sheet_and_blank_rows_skipped():
    data = workbook(
        sheet([row(2, *HEADER), row(3, "blois", "01/01/2026", 1), row(7, "cd37", "x", 2.5)])
    )
    assert read("v.xlsx", data) == [(3, ["blois", "01/01/2026", "1"]), (7, ["cd37", "x", "2.5"])]


def test_blank_formatted_rows_are_counted():
    rows = [row(1, *HEADER), *['<row ht="20" customHeight="1"/>'] * 21]
    assert "plus de 20 lignes" in refused(workbook(sheet(rows)))


@pytest.mark.parametrize(
    "far", ['<row r="22"><c/></row>', "<row ht='>' spans=\"1:1\" r='22'><c/></row>"]
)
def test_a_row_numbered_past_the_bound_is_refused_before_reading(far):
    assert "jusqu'à la ligne 22" in refused(workbook(sheet([row(1, *HEADER), far])))


@pytest.mark.parametrize("number", ["1e6", "+5", "1_000", "99999999"])
def test_a_row_number_openpyxl_would_read_otherwise_is_refused(number):
    message = refused(workbook(sheet([row(1, *HEADER), f'<row r="{number}"><c/></row>'])))
    assert message == "Le classeur XLSX est illisible."


def test_too_many_cells():
    rows = [row(1, *HEADER), *[row(None, *range(30))] * 4]  # 123 cells for at most 100
    assert "plus de 100 cellules" in refused(workbook(sheet(rows)))


def test_too_many_cells_on_one_row():
    wide = "<row>" + "<c/>" * (MAX_CELLS_PER_ROW + 1) + "</row>"
    message = refused(workbook(sheet([row(1, *HEADER), wide])), max_rows=MAX_ROWS)
    assert "plus de 16\u202f384 cellules sur une ligne" in message


def test_too_many_other_elements_in_a_sheet():
    merges = "".join(f'<mergeCell ref="A{i}:B{i}"/>' for i in range(MAX_OTHER_ELEMENTS))
    xml = [
        f'<worksheet xmlns="{MAIN}"><sheetData>{row(1, *HEADER)}</sheetData>'.encode(),
        f"<mergeCells>{merges}</mergeCells></worksheet>".encode(),
    ]
    assert "éléments hors cellules" in refused(workbook(xml))


def test_too_many_shared_strings_and_rich_runs():
    many = "".join(f"<si><t>{i}</t></si>" for i in range(101))
    strings = f'<sst xmlns="{MAIN}">{many}</sst>'.encode()
    data = workbook(sheet([row(1, *HEADER)]), strings_xml=strings)
    assert "plus de 100 textes" in refused(data)
    runs = "<r><t>a</t></r>" * (MAX_OTHER_ELEMENTS + 1)
    strings = f'<sst xmlns="{MAIN}"><si>{runs}</si></sst>'.encode()
    data = workbook(sheet([row(1, *HEADER)]), strings_xml=strings)
    assert "éléments de texte" in refused(data)


def test_too_many_elements_in_the_other_parts():
    styles = f'<styleSheet xmlns="{MAIN}">{"<numFmt/>" * 50_001}</styleSheet>'.encode()
    data = workbook(sheet([row(1, *HEADER)]), extra={"xl/styles.xml": styles})
    assert "plus de 50\u202f000 éléments" in refused(data)


def test_a_dtd_in_any_part_is_refused():
    styles = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "b">]><styleSheet/>'
    data = workbook(sheet([row(1, *HEADER)]), extra={"xl/styles.xml": styles})
    assert "déclarations XML (DTD, entités)" in refused(data)


@pytest.mark.parametrize(
    "part",
    [
        '<?xml version="1.0" encoding="UTF-16"?><worksheet/>'.encode("utf-16"),
        b'<?xml version="1.0" encoding="cp037"?>' + "<worksheet/>".encode("cp037"),
    ],
    ids=["utf-16", "ebcdic"],
)
def test_xml_the_count_cannot_read_is_refused(part):
    assert refused(workbook([part])) == "Le classeur XLSX est illisible."


def test_too_many_members_and_exotic_compression():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(MAX_MEMBERS + 1):
            archive.writestr(f"x{i}.xml", "<x/>")
    assert "fichiers internes" in refused(buffer.getvalue())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_LZMA) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert refused(buffer.getvalue()) == "Le classeur XLSX est illisible."


def test_opendocument_and_old_excel_get_their_own_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert "OpenDocument (.ods)" in refused(buffer.getvalue(), name="v.ods")
    assert "Excel 97-2003 (.xls)" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))


def test_a_csv_line_too_long_and_a_bad_quote():
    assert "La ligne 3 dépasse" in refused(b"a;b;c\n1;2;3\n" + b"x" * 10_001, name="v.csv")
    data = b"a;b;c\n1;2;3\n" + b'"' + (b"y" * 9_500 + b"\n") * 15  # a 142,500-character cell
    assert "Le fichier CSV est mal formé (ligne 3)." in refused(data, name="v.csv")


def test_csv_line_numbers_count_blank_and_quoted_lines():
    data = b'\na;b;c\n"x\ny";2;3\n\n4;5;6\n'
    assert read("v.csv", data) == [(3, ["x\ny", "2", "3"]), (6, ["4", "5", "6"])]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.csv", "tenant;date;volume;unité\nblois;01/01/2026;1,5;To\n".encode()),
        ("bom.csv", "tenant;date;volume;unité\nblois;01/01/2026;1,5;To\n".encode("utf-8-sig")),
        ("latin1.csv", "tenant;date;volume;unité\nblois;01/01/2026;1,5;To\n".encode("latin-1")),
        ("excel.csv", "tenant;date;volume;unité\nblois;01/01/2026;1,5;To\n".encode("cp1252")),
        (
            "unicode.txt",
            "tenant\tdate\tvolume\tunité\r\nblois\t01/01/2026\t1,5\tTo\r\n".encode("utf-16"),
        ),
        (
            "utf16be.txt",
            "\ufefftenant\tdate\tvolume\tunité\nblois\t01/01/2026\t1,5\tTo\n".encode("utf-16-be"),
        ),
    ],
)
def test_the_encodings_a_finance_office_saves_are_read(name, data):
    """The « unité » column is found only when the accent was decoded right."""
    parsed = parse_volume_file(name, data, CODES)
    assert parsed.is_valid, parsed.errors
    assert [str(r.gigabytes) for r in parsed.rows] == ["1500.000"]


def test_utf16_without_its_bom_is_refused():
    data = "tenant;date;volume\nblois;01/01/2026;1\n".encode("utf-16-le")
    assert refused(data, name="v.csv") == "Le fichier n'est pas un tableur CSV ou XLSX lisible."


def test_a_workbook_at_the_row_limit_is_read():
    """What openpyxl writes for 20,000 rows passes every bound of the archive check."""
    book = Workbook(write_only=True)
    sheet_ = book.create_sheet()
    sheet_.append(["Tenant", "Date du relevé", "Volumétrie"])
    start = datetime.datetime(2000, 1, 1)
    for i in range(MAX_ROWS):
        code = ("blois", "agglo", "cd37")[i % 3]
        sheet_.append([code, start + datetime.timedelta(days=i), i + 0.5])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_volume_file("max.xlsx", buffer.getvalue(), CODES)
    assert parsed.is_valid, parsed.errors[:1] + [r.errors for r in parsed.rows_in_error[:3]]
    assert len(parsed.rows) == MAX_ROWS
    assert parsed.rows[-1].line == MAX_ROWS + 1
    assert parsed.rows[1].measured_on == datetime.date(2000, 1, 2)


def test_a_sheet_without_any_value_is_empty():
    assert parse_volume_file("v.xlsx", simple_workbook(), CODES).errors == ["Le fichier est vide."]


def test_a_member_larger_than_its_declared_size_is_cut_there_and_refused():
    """The checks trust the central directory because zipfile never reads past a declared size."""
    data = bytearray(zip_bomb(200_000))
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    while data[entry + 46 : entry + 46 + 24] != b"xl/worksheets/sheet1.xml":
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")  # declares 1,000 bytes
    assert refused(bytes(data), max_rows=MAX_ROWS) == "Le classeur XLSX est illisible."


def test_a_csv_of_blank_lines_is_refused_by_its_line_count():
    data = b"tenant;date;volume\n" + b"\n" * 41 + b"blois;01/01/2026;1\n"
    assert "plus de 20 lignes" in refused(data, max_rows=20, name="v.csv")
    assert read("v.csv", data, max_rows=21)[0][0] == 43
