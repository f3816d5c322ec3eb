"""Hostile volume files, made on demand (no binary is committed): spreadsheet bombs, XML attacks,
files that lie about what they are. Shared by the tests and by bench/hostile_imports.py.

Every XLSX here is written part by part, streaming into zipfile, so that a bomb of 3 million rows
never exists uncompressed in memory and takes a second to make.
"""

import io
import random
import string
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
MACRO_WORKBOOK = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
HEADER = ("tenant", "date", "volume")


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


def cell(column: int, row: int | None, value, *, raw: bool = False) -> str:
    """One cell; `raw` puts the value in the XML as it is (an entity reference)."""
    ref = f' r="{get_column_letter(column)}{row}"' if row else ""
    if isinstance(value, int | float):
        return f"<c{ref}><v>{value}</v></c>"
    text = value if raw else _xml_text(value)
    return f'<c{ref} t="inlineStr"><is><t>{text}</t></is></c>'


def row(number: int | None, *values, raw: bool = False) -> str:
    ref = f' r="{number}"' if number else ""
    cells = "".join(cell(i, number, v, raw=raw) for i, v in enumerate(values, start=1))
    return f"<row{ref}>{cells}</row>"


def sheet(rows: Iterable[str], *, doctype: str = "", dimension: str = "") -> Iterable[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    for text in rows:
        yield text.encode()
    yield b"</sheetData></worksheet>"


def workbook(
    sheet_xml: Iterable[bytes],
    *,
    strings_xml: bytes | None = None,
    workbook_doctype: str = "",
    macro: bool = False,
    extra: dict[str, bytes] | None = None,
    level: int = 6,
) -> bytes:
    """A minimal valid XLSX around these parts (one sheet, optional shared strings)."""
    overrides = [
        ("/xl/workbook.xml", MACRO_WORKBOOK if macro else f"{CT}.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", f"{CT}.worksheet+xml"),
    ]
    relations = [("worksheet", "worksheets/sheet1.xml")]
    if strings_xml is not None:
        overrides.append(("/xl/sharedStrings.xml", f"{CT}.sharedStrings+xml"))
        relations.append(("sharedStrings", "sharedStrings.xml"))
    types = "".join(f'<Override PartName="{p}" ContentType="{c}"/>' for p, c in overrides)
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{OFFICE}/{kind}" Target="{target}"/>'
        for i, (kind, target) in enumerate(relations, start=1)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f"{types}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>{workbook_doctype}'
            f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
            '<sheet name="Relevés" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{RELS}">{links}</Relationships>'
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for chunk in sheet_xml:
                part.write(chunk)
        if strings_xml is not None:
            archive.writestr("xl/sharedStrings.xml", strings_xml)
        if macro:
            archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(508))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def simple_workbook(*rows_values: tuple) -> bytes:
    return workbook(sheet([row(i, *values) for i, values in enumerate(rows_values, start=1)]))


def padding_bomb(column: int, row_number: int) -> bytes:
    """One far cell: the header, then a single value at (row, column); the sheet says its size."""
    far = f'<row r="{row_number}">{cell(column, row_number, "x")}</row>'
    dimension = f"A1:{get_column_letter(column)}{row_number}"
    return workbook(sheet([row(1, *HEADER), far], dimension=dimension))


def zip_bomb(rows: int) -> bytes:
    """The header, then `rows` identical rows: a few hundred kilobytes once compressed."""
    same = row(None, "blois", "01/01/2026", 1)
    block = same * 10_000

    def rows_xml():
        yield row(1, *HEADER)
        for _ in range(rows // 10_000):
            yield block
        yield same * (rows % 10_000)

    return workbook(sheet(rows_xml()), level=1)  # level 1: five times faster to make


LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 10))
    + "]>"
)


def billion_laughs(*, in_strings: bool = False) -> bytes:
    """Nine levels of ten entities: a billion "lol" if anything expanded them."""
    if in_strings:
        strings = (
            f'<?xml version="1.0" encoding="UTF-8"?>{LAUGHS.replace("worksheet", "sst")}'
            f'<sst xmlns="{MAIN}"><si><t>&lol9;</t></si></sst>'
        ).encode()
        data_row = f'<row r="2"><c r="A2" t="s"><v>0</v></c>{cell(2, 2, "01/01/2026")}</row>'
        return workbook(sheet([row(1, *HEADER), data_row]), strings_xml=strings)
    rows = [row(1, *HEADER), row(2, "&lol9;", "01/01/2026", 1, raw=True)]
    return workbook(sheet(rows, doctype=LAUGHS))


def xxe(system_id: str, *, parameter: bool = False, in_workbook: bool = False) -> bytes:
    """An external entity (a file or a URL), or a parameter entity that would load a DTD."""
    if parameter:
        doctype = f'<!DOCTYPE worksheet [<!ENTITY % remote SYSTEM "{system_id}"> %remote;]>'
        rows = [row(1, *HEADER), row(2, "blois", "01/01/2026", 1)]
    else:
        doctype = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{system_id}">]>'
        rows = [row(1, *HEADER), row(2, "&xxe;", "01/01/2026", 1, raw=True)]
    if in_workbook:
        return workbook(
            sheet([rows[0], row(2, "blois", "01/01/2026", 1)]),
            workbook_doctype=doctype.replace("worksheet", "workbook"),
        )
    return workbook(sheet(rows, doctype=doctype))


def truncated_zip() -> bytes:
    data = simple_workbook(HEADER, ("blois", "01/01/2026", 1))
    return data[: len(data) // 2]


def wrong_magic() -> bytes:
    return b"XLSX" + simple_workbook(HEADER, ("blois", "01/01/2026", 1))[4:]


def macro_workbook() -> bytes:
    return workbook(sheet([row(1, *HEADER), row(2, "blois", "01/01/2026", 1)]), macro=True)


def pdf() -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def long_csv(rows: int) -> bytes:
    lines = ["tenant;date;volume", *(f"blois;01/01/2026;{i}" for i in range(rows))]
    return ("\n".join(lines) + "\n").encode()


def big_cell_xlsx(size: int = 1024 * 1024) -> bytes:
    """Letters drawn at random, so that the sheet does not compress like a bomb."""
    text = "".join(random.Random(10).choices(string.ascii_letters, k=size))
    return workbook(sheet([row(1, *HEADER), row(2, text, "01/01/2026", 1)]))


def big_cell_csv(size: int = 1024 * 1024) -> bytes:
    return f"tenant;date;volume\n{'b' * size};01/01/2026;1\n".encode()


# An accented tenant code that does not exist: its message shows whether it was decoded right.
ACCENTED = "Agglomération"


def latin1_csv() -> bytes:
    return f"tenant;date;volume;unité\n{ACCENTED};01/01/2026;3;Go\n".encode("latin-1")


def utf16_text() -> bytes:
    """What Excel saves as « Texte Unicode »: UTF-16 with its BOM, tab-separated, CRLF."""
    return f"tenant\tdate\tvolume\tunité\r\n{ACCENTED}\t01/01/2026\t3\tGo\r\n".encode("utf-16")


@dataclass(frozen=True)
class Hostile:
    key: str
    file_name: str
    make: Callable[[], bytes]
    message: str  # the French message the import must show (a part of it)


def corpus(
    *, secret_path: str = "/etc/hostname", url: str = "http://127.0.0.1:9/"
) -> list[Hostile]:
    """The files of issue 10, each with the refusal it must get."""
    far = "Le classeur a du contenu ou une mise en forme jusqu'à la ligne"
    dtd = "Le classeur contient des déclarations XML (DTD, entités), refusées par sécurité"
    too_big = "Le classeur est trop volumineux une fois décompressé"
    return [
        Hostile("padding-BXX100000", "far.xlsx", lambda: padding_bomb(2000, 100_000), far),
        Hostile("padding-XFD1048576", "far.xlsx", lambda: padding_bomb(16_384, 1_048_576), far),
        Hostile("zip-bomb-500k", "bomb.xlsx", lambda: zip_bomb(500_000), too_big),
        Hostile("zip-bomb-3M", "bomb.xlsx", lambda: zip_bomb(3_000_000), too_big),
        Hostile("zip-bomb-200k-ratio", "bomb.xlsx", lambda: zip_bomb(200_000), "se décompresse"),
        Hostile("billion-laughs", "lol.xlsx", billion_laughs, dtd),
        Hostile("billion-laughs-strings", "lol.xlsx", lambda: billion_laughs(in_strings=True), dtd),
        Hostile("xxe-file", "xxe.xlsx", lambda: xxe(f"file://{secret_path}"), dtd),
        Hostile("xxe-http", "xxe.xlsx", lambda: xxe(url), dtd),
        Hostile("xxe-parameter", "xxe.xlsx", lambda: xxe(url, parameter=True), dtd),
        Hostile("xxe-workbook", "xxe.xlsx", lambda: xxe(url, in_workbook=True), dtd),
        Hostile("truncated-zip", "cut.xlsx", truncated_zip, "Le classeur XLSX est illisible."),
        Hostile(
            "wrong-magic", "magic.xlsx", wrong_magic, "n'est pas un tableur CSV ou XLSX lisible"
        ),
        Hostile("xlsm-name", "volumes.xlsm", macro_workbook, "contenant des macros (.xlsm)"),
        Hostile("macro-content", "volumes.xlsx", macro_workbook, "contenant des macros (.xlsm)"),
        Hostile("pdf-renamed", "volumes.xlsx", pdf, "Ce fichier est un PDF"),
        Hostile(
            "csv-100k-rows",
            "long.csv",
            lambda: long_csv(100_000),
            "Le fichier compte plus de 20\u202f000 lignes",
        ),
        Hostile(
            "xlsx-1MB-cell",
            "cell.xlsx",
            big_cell_xlsx,
            "Ligne 2 : une cellule compte 1\u202f048\u202f576 caractères",
        ),
        Hostile(
            "csv-1MB-cell", "cell.csv", big_cell_csv, "La ligne 2 dépasse 10\u202f000 caractères"
        ),
        Hostile("latin-1", "latin1.csv", latin1_csv, f"tenant « {ACCENTED} » inconnu"),
        Hostile("utf-16-bom", "unicode.txt", utf16_text, f"tenant « {ACCENTED} » inconnu"),
    ]
