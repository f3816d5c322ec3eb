"""Reading an uploaded CSV or XLSX file as rows of text, within bounds of memory and time.

`open_table(name, data, max_rows=...)` gives a Table: its header (the first non-blank row), then
`table.rows(columns)` yields (line, the text of those columns) for each non-blank row after it.
Every problem is a TableError with a French message, raised as soon as it is seen: a file is never
read past its row limit, only the columns asked for are read, and no cell is padded out.
"""

from django.utils.translation import gettext as _

from ligeris.lib.tabular.errors import TableError, macro_refused, not_a_table
from ligeris.lib.tabular.table import Table
from ligeris.lib.tabular.text import CsvTable
from ligeris.lib.tabular.xlsx import XlsxTable

__all__ = ["Table", "TableError", "open_table"]

_XLSX_NAMES = (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam", ".xls", ".ods")
_MACRO_NAMES = (".xlsm", ".xltm", ".xlam")


def open_table(file_name: str, data: bytes, *, max_rows: int) -> Table:
    """The file as a Table, chosen by its first bytes; TableError when it is no table."""
    name = file_name.lower()
    if data.startswith(b"PK\x03\x04"):
        if name.endswith(_MACRO_NAMES):
            raise macro_refused()
        return XlsxTable(data, max_rows=max_rows)
    if data.startswith(b"%PDF"):
        raise TableError(
            _("Ce fichier est un PDF : déposez le tableur lui-même, au format CSV ou XLSX.")
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # the OLE container of .xls and encrypted .xlsx
        raise TableError(
            _(
                "Les classeurs Excel 97-2003 (.xls) et les classeurs protégés par un mot de passe "
                "ne sont pas lus : enregistrez-le au format XLSX sans mot de passe, ou en CSV."
            )
        )
    if name.endswith(_XLSX_NAMES) or data.startswith(b"PK"):
        raise not_a_table()
    return CsvTable(data, max_rows=max_rows)
