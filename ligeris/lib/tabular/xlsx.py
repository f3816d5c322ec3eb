"""XLSX through openpyxl's read-only mode, after the archive checks, every failure in French."""

import io
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import openpyxl.xml
from defusedxml import DefusedXmlException
from django.core.exceptions import ImproperlyConfigured
from openpyxl import load_workbook

from ligeris.lib.tabular.archive import check_workbook
from ligeris.lib.tabular.errors import TableError, dtd_refused, unreadable
from ligeris.lib.tabular.table import MAX_COLUMNS, Table

EXCEL_MAX_ROW = 1_048_576  # openpyxl trusts a row's number: bound the empty rows it fills in

if not openpyxl.xml.DEFUSEDXML:  # OPENPYXL_DEFUSEDXML=False, or defusedxml missing
    raise ImproperlyConfigured("openpyxl must parse through defusedxml (pip install defusedxml).")
if openpyxl.xml.LXML:  # with lxml, openpyxl's parts skip defusedxml (see ligeris/__init__.py)
    raise ImproperlyConfigured("openpyxl must parse through defusedxml, not lxml (OPENPYXL_LXML).")


@contextmanager
def _parse_errors() -> Iterator[None]:
    try:
        yield
    except TableError:
        raise
    except Exception as error:  # openpyxl fails with any error on a bad part (KeyError...)
        if any(isinstance(cause, DefusedXmlException) for cause in causes(error)):
            raise dtd_refused() from error
        raise unreadable() from error


def causes(error: BaseException | None) -> Iterator[BaseException]:
    """The error and what caused it: openpyxl wraps defusedxml's refusal in a ValueError."""
    while error is not None:
        yield error
        error = error.__cause__ or error.__context__


class XlsxTable(Table):
    def __init__(self, data: bytes, *, max_rows: int):
        super().__init__(max_rows=max_rows)
        self._workbook = None
        try:
            with _parse_errors():
                self._open(data)
        except TableError:
            self.close()
            raise

    def _open(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_workbook(archive, max_rows=self.max_rows)
        self._workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
        if not self._workbook.worksheets:
            return
        self._sheet = self._workbook.worksheets[0]
        rows = self._sheet.iter_rows(max_row=EXCEL_MAX_ROW, max_col=MAX_COLUMNS, values_only=True)
        for line, values in enumerate(rows, start=1):
            if any(value is not None and str(value).strip() for value in values):
                self._set_header(line, values)
                break
        rows.close()

    def _raw_rows(self, width: int) -> Iterator[tuple[int, Sequence]]:
        if not self.header_line:
            return
        first = self.header_line + 1
        with _parse_errors():
            rows = self._sheet.iter_rows(
                min_row=first, max_row=EXCEL_MAX_ROW, max_col=width, values_only=True
            )
            yield from enumerate(rows, start=first)

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
