"""Reading storage-volume files (CSV or XLSX) into normalised rows, every error in French.

Pure functions on bytes: nothing here touches the database. The service decides what to save.
A file has one row per tenant and date, columns `tenant`, `date`, `volume` and optionally
`unité` (Mo, Go, To, Po; decimal units; Go when absent). The volume may carry its unit
("1,25 To") and use a decimal comma. At most MAX_ROWS rows and MAX_BYTES bytes per file, read by
ligeris.lib.tabular within bounds of memory and time whatever the file holds.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from ligeris.lib.tabular import Table, TableError, open_table

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
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y",
    "%d.%m.%Y",
)
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


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        plain = _plain(name)
        for wanted, aliases in _COLUMNS.items():
            if plain in aliases and wanted not in found:
                found[wanted] = index
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
        with open_table(file_name, data, max_rows=MAX_ROWS) as table:
            _read_rows(table, tenant_codes, parsed)
    except TableError as error:
        parsed.errors.append(str(error))
    return parsed


def _read_rows(table: Table, tenant_codes: set[str], parsed: ParsedFile) -> None:
    if not table.header_line:
        parsed.errors.append(_("Le fichier est vide."))
        return
    columns = _columns(table.header)
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        parsed.errors.append(
            _(
                "Colonnes manquantes : %(missing)s. Colonnes attendues : tenant, date, volume "
                "(unité facultative)."
            )
            % {"missing": ", ".join(missing)}
        )
        return
    wanted = [name for name in (*_REQUIRED, "unit") if name in columns]
    seen: dict[tuple[str, datetime.date], int] = {}
    # Read the whole file first (within its bounds), so that a refused one costs no row's checks.
    records = list(table.rows([columns[name] for name in wanted]))
    for line, cells in records:
        record = dict(zip(wanted, (cell.strip() for cell in cells), strict=True))
        row = ImportRow(
            line=line,
            tenant=record["tenant"],
            date_text=record["date"],
            volume_text=record["volume"],
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
        row.gigabytes, error = parse_volume(row.volume_text, record.get("unit", ""))
        if error:
            row.errors.append(error)
        if row.tenant and row.measured_on:
            previous = seen.setdefault((row.tenant, row.measured_on), row.line)
            if previous != row.line:
                row.errors.append(
                    _("doublon de la ligne %(line)s (même tenant, même date)") % {"line": previous}
                )
        parsed.rows.append(row)
    if not parsed.rows:
        parsed.errors.append(_("Le fichier est vide : aucune ligne de relevé."))
