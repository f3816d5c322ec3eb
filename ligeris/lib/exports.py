"""Table exports a French spreadsheet opens right, whose cells no spreadsheet runs as formulas.

CSV: `;` between fields, UTF-8 with a BOM (Excel reads the accents), decimal comma, dates
`jj/mm/aaaa` and times in the consortium's time zone (Europe/Paris). XLSX: typed cells (amounts
in euros, dates as dates), a bold frozen header, a total row under the amount columns and a sheet
named in French. A table marks its amount columns with `money_columns = ("amount", …)`.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_tables2.export import TableExport
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

EUROS = '#,##0.00 "€";-#,##0.00 "€"'
DATE = "DD/MM/YYYY"
DATE_TIME = "DD/MM/YYYY HH:MM"
HEADER_FILL = PatternFill("solid", fgColor="DCE3F0")
BOLD = Font(bold=True)

# What a spreadsheet may read as the start of a formula (OWASP), full-width forms included; a
# cell may hide one behind spaces or line breaks.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_CONTROL_STARTS = ("\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d\s\u00a0\u202f]*([.,]\d+)?$")


def neutralise(value):
    """A text cell that could run as a formula, prefixed with an apostrophe; numbers untouched."""
    if not isinstance(value, str) or not value:
        return value
    stripped = value.lstrip(" \u00a0\u3000\t\r\n")
    if value.startswith(_CONTROL_STARTS):
        return "'" + value
    if stripped.startswith(_FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(stripped):
        return "'" + value
    return value


def french_text(value) -> str:
    """One CSV field the French way."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, Decimal | float):
        return f"{value:f}".replace(".", ",") if isinstance(value, Decimal) else str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(str(value))


def csv_bytes(headers: list[str], rows) -> bytes:
    """The French CSV convention: `;`, UTF-8 with BOM, decimal comma, jj/mm/aaaa."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([french_text(h) for h in headers])
    for row in rows:
        writer.writerow([french_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(sheet, value, money: bool):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.make_naive(timezone.localtime(value))
    if isinstance(value, str):
        value = neutralise(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
    elif money and isinstance(value, Decimal | int | float):
        cell.number_format = EUROS
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATE_TIME
    elif isinstance(value, datetime.date):
        cell.number_format = DATE
    return cell


def xlsx_bytes(title: str, headers: list[str], rows, money: set[int]) -> bytes:
    """One streamed sheet: bold frozen header, typed cells, a total row under the money columns."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(header), 10) + 4, 60)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=neutralise(str(header)))
        cell.font, cell.fill, cell.data_type = BOLD, HEADER_FILL, "s"
        header_cells.append(cell)
    sheet.append(header_cells)
    totals = dict.fromkeys(money, Decimal(0))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v, i in money) for i, v in enumerate(row)])
        for index in money:
            if isinstance(row[index], Decimal | int | float):
                totals[index] += Decimal(str(row[index]))
    if money:
        total_row = [None] * len(headers)
        first_text = next((i for i in range(len(headers)) if i not in money), None)
        if first_text is not None:
            total_row[first_text] = _("Total")
        for index, amount in totals.items():
            total_row[index] = amount
        cells = [_xlsx_cell(sheet, v, i in money) for i, v in enumerate(total_row)]
        for cell in cells:
            cell.font = BOLD
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31] or "Export"


class SafeTableExport(TableExport):
    """django-tables2's export, written the French way (see the module's docstring)."""

    ALLOWED = (TableExport.CSV, TableExport.XLSX)

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        return export_format in cls.ALLOWED

    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None):
        if not self.is_valid_format(export_format):
            raise TypeError(f'Export format "{export_format}" is not supported.')
        self.format = export_format
        self.title = (dataset_kwargs or {}).get("title") or _default_title(table)
        columns = [
            column
            for column in table.columns.iterall()
            if not (column.column.exclude_from_export or column.name in (exclude_columns or ()))
        ]
        money_names = set(getattr(table, "money_columns", ()))
        self.money = {i for i, column in enumerate(columns) if column.name in money_names}
        values = table.as_values(exclude_columns=exclude_columns)
        self.headers = [str(h) for h in next(values)]
        self.rows = list(values)

    def export(self) -> bytes:
        if self.format == TableExport.CSV:
            return csv_bytes(self.headers, self.rows)
        return xlsx_bytes(self.title, self.headers, self.rows, self.money)

    def content_type(self) -> str:
        if self.format == TableExport.CSV:
            return "text/csv; charset=utf-8"
        return super().content_type()


def _default_title(table) -> str:
    title = getattr(table, "export_title", None)
    if title:
        return str(title)
    try:
        return capfirst(str(table.Meta.model._meta.verbose_name_plural))
    except AttributeError:
        return "Export"
