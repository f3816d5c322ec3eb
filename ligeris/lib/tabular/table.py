"""What a CSV and an XLSX table share: the header, the bounds on rows and cells."""

import datetime
from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from ligeris.lib.tabular.errors import TableError, number, too_many_rows

MAX_COLUMNS = 100  # the header is looked for in these first columns
MAX_CELL_CHARS = 255  # in the columns read: codes, dates, numbers


def to_text(value) -> str:
    """A cell as the user typed it: dates in French order, numbers without exponent."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{Decimal(repr(value)):f}"
    return str(value)


class Table:
    """A file's header, then its rows; subclasses give the raw rows of one format."""

    header: list[str]
    header_line: int = 0  # 0: no non-blank row at all

    def __init__(self, *, max_rows: int):
        self.max_rows = max_rows
        self.header = []

    def _raw_rows(self, width: int) -> Iterator[tuple[int, Sequence]]:
        """(line, at least the first `width` values) of every row after the header."""
        raise NotImplementedError

    def _set_header(self, line: int, values: Sequence) -> None:
        self.header_line = line
        self.header = [to_text(value)[:MAX_CELL_CHARS] for value in values[:MAX_COLUMNS]]

    def rows(self, columns: Sequence[int]) -> Iterator[tuple[int, list[str]]]:
        """(line, the text of those columns) for each row with a value in one of them."""
        count = 0
        for line, values in self._raw_rows(max(columns) + 1):
            if not any(values):  # fast path: the rows a far cell implies are all empty
                continue
            cells = [to_text(values[i]) if i < len(values) else "" for i in columns]
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > self.max_rows:
                raise too_many_rows(self.max_rows)
            for cell in cells:
                if len(cell) > MAX_CELL_CHARS:
                    raise TableError(
                        _(
                            "Ligne %(line)s : une cellule compte %(count)s caractères, au plus "
                            "%(max)s dans les colonnes lues."
                        )
                        % {"line": line, "count": number(len(cell)), "max": MAX_CELL_CHARS}
                    )
            yield line, cells

    def close(self) -> None:
        pass

    def __enter__(self) -> "Table":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
