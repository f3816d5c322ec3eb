"""What an XLSX archive must satisfy before openpyxl parses any of it.

openpyxl reads a workbook's parts whole (shared strings, styles) or keeps a trace of every row it
passes (row dimensions, cleared elements), and its objects weigh up to 1.4 KB per XML element. So
the compressed size says nothing of the cost: the central directory (declared sizes, compression
ratio, members) is checked first, then each XML part is decompressed once, in chunks, to count its
elements by kind. zipfile stops every member at its declared size (and then fails its CRC), so
what is counted here is all that openpyxl can ever be handed.
"""

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ligeris.lib.tabular.errors import TableError, dtd_refused, macro_refused, number, unreadable

MiB = 1024 * 1024
MAX_MEMBERS = 100
MAX_SHEETS_BYTES = 32 * MiB  # every worksheet together (20,000 rows × 5 columns: about 5 MiB)
MAX_STRINGS_BYTES = 16 * MiB
MAX_PART_BYTES = 8 * MiB  # any other part
MAX_TOTAL_BYTES = 64 * MiB
MAX_RATIO = 100  # an ordinary sheet compresses about 10 times
RATIO_FLOOR = 1 * MiB  # small parts (styles, themes) may compress better: they cost nothing
MAX_CELLS_PER_ROW = 16_384  # Excel's own limit (column XFD)
MAX_OTHER_ELEMENTS = 20_000  # per part: merged cells, formats, rich-text runs, styles...
MAX_OTHER_PARTS_ELEMENTS = 50_000  # styles, workbook, relationships, properties together
CHUNK = 1 * MiB
TAG_BYTES = 4096

_SHEET = re.compile(r"(^|/)worksheets/[^/]+\.xml$", re.IGNORECASE)
_STRINGS = re.compile(r"(^|/)sharedstrings\.xml$", re.IGNORECASE)
# A start tag's local name (closing tags, comments, declarations do not match).
_START_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
# The number a row start tag gives itself (openpyxl believes it, and fills in the rows skipped).
# Attribute values may hold a '>': they are skipped whole.
_ROW_NUMBER = re.compile(
    rb"""<(?:[A-Za-z_][\w.\-]*:)?row(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*?"""
    rb"""\s+r\s*=\s*(?:"([^"]*)"|'([^']*)')"""
)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ASCII_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1", b"windows-1252"}
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


def _too_complex(part: str, count: int, what: str) -> TableError:
    return TableError(
        _(
            "Le classeur est trop complexe pour être lu (%(part)s : plus de %(count)s %(what)s) : "
            "copiez les colonnes utiles dans un nouveau classeur, ou enregistrez-le en CSV."
        )
        % {"part": part, "count": number(count), "what": what}
    )


def _too_big(part: str, size: int, limit: int) -> TableError:
    return TableError(
        _(
            "Le classeur est trop volumineux une fois décompressé (%(part)s : %(size)s Mo, "
            "au plus %(max)s Mo) : découpez-le ou enregistrez-le en CSV."
        )
        % {"part": part, "size": number(-(-size // MiB)), "max": number(limit // MiB)}
    )


@dataclass
class _Tally:
    """The elements of one kind of part, counted as the chunks go by; refuses past the limits."""

    kind: str  # "sheet", "strings" or "other"
    max_rows: int
    part: str = ""
    names: Counter = field(default_factory=Counter)
    cells_in_row: int = 0
    elements: int = 0  # every start tag, named by the pattern or not

    def feed(self, piece: bytes) -> None:
        starts = piece.count(b"<") - piece.count(b"</") - piece.count(b"<?") - piece.count(b"<!")
        names = _START_TAG.findall(piece)
        self.elements += starts
        self.names.update(names)
        if self.kind == "sheet":
            self._row_numbers(piece)
            for name in names:  # only the widest row matters: openpyxl builds a row at once
                if name == b"c":
                    self.cells_in_row += 1
                    if self.cells_in_row > MAX_CELLS_PER_ROW:
                        raise _too_complex(
                            self.part, MAX_CELLS_PER_ROW, _("cellules sur une ligne")
                        )
                elif name == b"row":
                    self.cells_in_row = 0
        self.check()

    def _row_numbers(self, piece: bytes) -> None:
        last = 2 * self.max_rows + 1  # the header, the rows, as many blank ones
        for double, single in _ROW_NUMBER.findall(piece):
            text = double or single
            if not (text.isascii() and text.isdigit()) or len(text) > 7:
                raise unreadable()
            if int(text) > last:
                raise TableError(
                    _(
                        "Le classeur a du contenu ou une mise en forme jusqu'à la ligne "
                        "%(line)s (%(part)s) : au plus %(max)s lignes, vides comprises. "
                        "Supprimez les lignes en trop, ou découpez le fichier."
                    )
                    % {"line": number(int(text)), "part": self.part, "max": number(last)}
                )

    def check(self) -> None:
        if self.kind == "sheet":
            self._sheet()
        elif self.kind == "strings":
            self._strings()
        elif self.elements > MAX_OTHER_PARTS_ELEMENTS:
            raise _too_complex(self.part, MAX_OTHER_PARTS_ELEMENTS, _("éléments"))

    def _others(self, *known: bytes) -> int:
        return self.elements - sum(self.names[name] for name in known)

    def _sheet(self) -> None:
        rows, cells = self.names[b"row"], self.names[b"c"]
        contents = sum(self.names[name] for name in (b"v", b"f", b"is", b"t"))
        if rows > 2 * self.max_rows:  # blank formatted rows count: openpyxl keeps them all
            raise _too_complex(self.part, 2 * self.max_rows, _("lignes"))
        if cells > 10 * self.max_rows or contents > 20 * self.max_rows:
            raise _too_complex(self.part, 10 * self.max_rows, _("cellules"))
        others = self._others(b"row", b"c", b"v", b"f", b"is", b"t")
        if others > MAX_OTHER_ELEMENTS:
            raise _too_complex(self.part, MAX_OTHER_ELEMENTS, _("éléments hors cellules"))

    def _strings(self) -> None:
        strings = self.names[b"si"]
        if strings > 10 * self.max_rows:
            raise _too_complex(self.part, 10 * self.max_rows, _("textes"))
        others = self._others(b"si", b"t", b"sst")
        if others > MAX_OTHER_ELEMENTS or self.names[b"t"] > strings + others:
            raise _too_complex(self.part, MAX_OTHER_ELEMENTS, _("éléments de texte"))


def _kind(name: str) -> str:
    if _SHEET.search(name):
        return "sheet"
    if _STRINGS.search(name):
        return "strings"
    return "other"


def _check_start(head: bytes) -> bool:
    """Whether the part is XML to count; refuses XML whose bytes the count cannot read."""
    if head.startswith(_UTF16_STARTS) or head.startswith(b"\x00"):
        raise unreadable()
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not head.startswith(b"<"):
        return False  # not XML (an image...): openpyxl would fail on its first byte
    declared = _DECLARED_ENCODING.match(head)
    if declared and declared[1].lower() not in _ASCII_ENCODINGS:
        raise unreadable()
    return True


def _count(archive: zipfile.ZipFile, info: zipfile.ZipInfo, tally: _Tally) -> None:
    tally.part = info.filename
    with archive.open(info) as stream:
        carry = b""
        first = True
        while chunk := stream.read(CHUNK):
            piece = carry + chunk
            if first:
                first = False
                if not _check_start(piece[:1024]):
                    return
            # Cut before a tag that may straddle the chunks, so that each '<' is counted once. A row
            # tag longer than TAG_BYTES may hide its number: openpyxl then fills in empty rows up
            # to EXCEL_MAX_ROW at most (a second's work), never more.
            cut = piece.rfind(b"<", max(0, len(piece) - TAG_BYTES))
            carry, piece = (piece[cut:], piece[:cut]) if cut >= 0 else (b"", piece)
            if b"<!DOCTYPE" in piece or b"<!ENTITY" in piece:
                raise dtd_refused()
            tally.feed(piece)
        if carry:
            if b"<!DOCTYPE" in carry or b"<!ENTITY" in carry:
                raise dtd_refused()
            tally.feed(carry)


def _is_opendocument(archive: zipfile.ZipFile) -> bool:
    if "mimetype" not in archive.namelist() or archive.getinfo("mimetype").file_size > 100:
        return False
    return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument")


def _check_directory(archive: zipfile.ZipFile) -> None:
    infos = archive.infolist()
    if not infos:
        raise unreadable()
    if len(infos) > MAX_MEMBERS:
        raise _too_complex(_("l'archive"), MAX_MEMBERS, _("fichiers internes"))
    names = {info.filename.lower() for info in infos}
    if _is_opendocument(archive):
        raise TableError(
            _(
                "Les classeurs OpenDocument (.ods) ne sont pas lus : enregistrez-le au "
                "format XLSX ou en CSV."
            )
        )
    if any(n.endswith("vbaproject.bin") or "/macrosheets/" in f"/{n}" for n in names):
        raise macro_refused()
    totals = {"sheet": 0, "strings": 0, "other": 0}
    limits = {"sheet": MAX_SHEETS_BYTES, "strings": MAX_STRINGS_BYTES, "other": MAX_PART_BYTES}
    for info in infos:
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise unreadable()  # encrypted, or a compression Excel never writes
        kind = _kind(info.filename)
        totals[kind] = info.file_size if kind == "other" else totals[kind] + info.file_size
        if totals[kind] > limits[kind]:
            raise _too_big(info.filename, totals[kind], limits[kind])
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise TableError(
                _(
                    "Le classeur est refusé : %(part)s se décompresse %(ratio)s fois (au plus "
                    "%(max)s), ce qu'aucun tableur ordinaire ne produit. Enregistrez-le à "
                    "nouveau depuis le tableur, ou en CSV."
                )
                % {
                    "part": info.filename,
                    "ratio": number(info.file_size // max(info.compress_size, 1)),
                    "max": MAX_RATIO,
                }
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        raise _too_big(_("l'ensemble"), total, MAX_TOTAL_BYTES)


def check_workbook(archive: zipfile.ZipFile, *, max_rows: int) -> None:
    """Refuse, with a French message, a workbook that openpyxl could not read within bounds."""
    _check_directory(archive)
    try:
        types = archive.read("[Content_Types].xml")
    except KeyError:
        raise unreadable() from None
    if b"macroenabled" in types.lower():
        raise macro_refused()
    tallies = {kind: _Tally(kind, max_rows) for kind in ("sheet", "strings")}
    others = _Tally("other", max_rows)
    for info in archive.infolist():
        kind = _kind(info.filename)
        _count(archive, info, tallies.get(kind, others))
