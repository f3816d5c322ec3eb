"""Reading storage-volume files (CSV or XLSX) into normalised rows, every error in French.

Pure functions on bytes: nothing here touches the database. The service decides what to save.
A file has one row per tenant and date, columns `tenant`, `date`, `volume` and optionally
`unité` (Mo, Go, To, Po; decimal units; Go when absent). The volume may carry its unit
("1,25 To") and use a decimal comma. At most MAX_ROWS rows and MAX_BYTES bytes per file.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd
from django.utils.translation import gettext as _

MAX_ROWS = 20_000
MAX_BYTES = 5 * 1024 * 1024
GIGABYTE_PLACES = Decimal("0.001")

_UNITS = {
    "mo": Decimal("0.001"),
    "mb": Decimal("0.001"),
    "go": Decimal(1),
    "gb": Decimal(1),
    "to": Decimal(1000),
    "tb": Decimal(1000),
    "po": Decimal(1_000_000),
    "pb": Decimal(1_000_000),
}
_COLUMNS = {
    "tenant": ("tenant", "code tenant", "code du tenant", "code"),
    "date": ("date", "date du releve", "releve", "date releve"),
    "volume": ("volume", "volumetrie", "volume utilise"),
    "unit": ("unite", "unit"),
}
_REQUIRED = ("tenant", "date", "volume")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y")
_VOLUME = re.compile(r"^(?P<number>-?[\d\s\u00a0\u202f.,]+?)\s*(?P<unit>[a-zA-Z]{2})?$")


@dataclass
class ImportRow:
    line: int  # the line in the file (the header is line 1)
    tenant: str
    date_text: str
    volume_text: str
    measured_on: datetime.date | None = None
    gigabytes: Decimal | None = None
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "tenant": self.tenant,
            "measured_on": self.measured_on.isoformat() if self.measured_on else None,
            "gigabytes": str(self.gigabytes) if self.gigabytes is not None else None,
        }


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the whole file

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows) and not any(r.errors for r in self.rows)

    @property
    def rows_in_error(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def _frame(file_name: str, data: bytes) -> pd.DataFrame:
    """The file as a table of strings; ValueError with a French message when it is not one."""
    if data.startswith(b"PK\x03\x04"):
        try:
            return pd.read_excel(
                io.BytesIO(data), dtype=str, engine="openpyxl", keep_default_na=False
            )
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise ValueError(_("Le classeur XLSX est illisible.")) from error
    if file_name.lower().endswith((".xlsx", ".xls", ".ods")) or b"\x00" in data[:4096]:
        raise ValueError(_("Le fichier n'est pas un tableur CSV ou XLSX lisible."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        raise ValueError(_("Le fichier n'est pas un tableur CSV ou XLSX lisible."))
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, ValueError) as error:
        raise ValueError(_("Le fichier CSV est mal formé.")) from error


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    found = {}
    for name in frame.columns:
        plain = _plain(name)
        for wanted, aliases in _COLUMNS.items():
            if plain in aliases and wanted not in found:
                found[wanted] = name
    return found


def parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_volume(text: str, unit_text: str = "") -> tuple[Decimal | None, str | None]:
    """(gigabytes, None) or (None, French error)."""
    text = text.strip()
    if not text:
        return None, _("volume manquant")
    match = _VOLUME.match(text)
    if not match:
        return None, _("volume « %(value)s » : ce n'est pas un nombre") % {"value": text}
    number = re.sub(r"[\s\u00a0\u202f]", "", match["number"])
    if "," in number:
        number = number.replace(".", "").replace(",", ".")
    unit = (match["unit"] or unit_text.strip() or "Go").lower()
    if unit not in _UNITS:
        return None, _("unité « %(unit)s » inconnue (Mo, Go, To ou Po)") % {"unit": unit}
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None, _("volume « %(value)s » : ce n'est pas un nombre") % {"value": text}
    if not value.is_finite():
        return None, _("volume « %(value)s » : ce n'est pas un nombre") % {"value": text}
    if value < 0:
        return None, _("volume négatif (%(value)s)") % {"value": text}
    gigabytes = (value * _UNITS[unit]).quantize(GIGABYTE_PLACES, rounding=ROUND_HALF_UP)
    if gigabytes >= Decimal("1e12"):
        return None, _("volume « %(value)s » démesuré") % {"value": text}
    return gigabytes, None


def parse_volume_file(file_name: str, data: bytes, tenant_codes: set[str]) -> ParsedFile:
    parsed = ParsedFile()
    if not data.strip():
        parsed.errors.append(_("Le fichier est vide."))
        return parsed
    if len(data) > MAX_BYTES:
        parsed.errors.append(
            _("Le fichier dépasse %(size)s Mo : découpez-le.") % {"size": MAX_BYTES // 1024**2}
        )
        return parsed
    try:
        frame = _frame(file_name, data)
    except ValueError as error:
        parsed.errors.append(str(error))
        return parsed
    if frame.empty and len(frame.columns) == 0:
        parsed.errors.append(_("Le fichier est vide."))
        return parsed
    columns = _columns(frame)
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        parsed.errors.append(
            _(
                "Colonnes manquantes : %(missing)s. Colonnes attendues : tenant, date, volume "
                "(unité facultative)."
            )
            % {"missing": ", ".join(missing)}
        )
        return parsed
    frame = frame[[columns[n] for n in (*_REQUIRED, "unit") if n in columns]]
    frame = frame[~(frame.astype(str).apply(lambda col: col.str.strip()) == "").all(axis=1)]
    if frame.empty:
        parsed.errors.append(_("Le fichier est vide : aucune ligne de relevé."))
        return parsed
    if len(frame) > MAX_ROWS:
        parsed.errors.append(
            _(
                "Le fichier compte %(count)s lignes : au plus %(max)s par import. "
                "Découpez-le en plusieurs fichiers."
            )
            % {
                "count": f"{len(frame):,}".replace(",", "\u202f"),
                "max": f"{MAX_ROWS:,}".replace(",", "\u202f"),
            }
        )
        return parsed
    seen: dict[tuple[str, datetime.date], int] = {}
    unit_column = columns.get("unit")
    for index, record in zip(frame.index, frame.to_dict("records"), strict=True):
        row = ImportRow(
            line=int(index) + 2,
            tenant=str(record[columns["tenant"]]).strip(),
            date_text=str(record[columns["date"]]).strip(),
            volume_text=str(record[columns["volume"]]).strip(),
        )
        if not row.tenant:
            row.errors.append(_("code du tenant manquant"))
        elif row.tenant not in tenant_codes:
            row.errors.append(_("tenant « %(code)s » inconnu") % {"code": row.tenant})
        row.measured_on = parse_date(row.date_text)
        if row.measured_on is None:
            row.errors.append(
                _("date « %(value)s » invalide (attendu JJ/MM/AAAA)") % {"value": row.date_text}
            )
        unit = str(record[unit_column]) if unit_column else ""
        row.gigabytes, error = parse_volume(row.volume_text, unit)
        if error:
            row.errors.append(error)
        if row.tenant and row.measured_on:
            previous = seen.setdefault((row.tenant, row.measured_on), row.line)
            if previous != row.line:
                row.errors.append(
                    _("doublon de la ligne %(line)s (même tenant, même date)") % {"line": previous}
                )
        parsed.rows.append(row)
    return parsed
