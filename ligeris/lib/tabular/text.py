"""CSV (or tab-separated text): decoded as a French office saves it, read line by line."""

import csv
import io
import itertools
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from ligeris.lib.tabular.errors import TableError, not_a_table, number, too_many_rows
from ligeris.lib.tabular.table import Table

MAX_LINE_CHARS = 10_000
_DELIMITERS = (";", ",", "\t")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's « Texte Unicode »), else
    Windows-1252, which reads Latin-1 too: what Excel writes on a French Windows."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TableError(
                _("Le fichier texte est mal encodé : enregistrez-le en CSV UTF-8.")
            ) from None
    if b"\x00" in data[:4096]:
        raise not_a_table()  # binary, or UTF-16 without its BOM
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class CsvTable(Table):
    def __init__(self, data: bytes, *, max_rows: int):
        super().__init__(max_rows=max_rows)
        self._line = 0  # the last physical line handed to the csv reader
        text = decode(data)
        # Counted before anything parses: a file of blank lines would cost a loop turn each.
        if max(text.count("\n"), text.count("\r")) > 2 * max_rows + 1:
            raise too_many_rows(max_rows)
        lines = self._lines(text)
        first = next((line for line in lines if line.strip()), None)
        if first is None:
            return
        delimiter = max(_DELIMITERS, key=first.count)
        if first.count(delimiter) == 0:
            raise not_a_table()
        first_line = self._line

        def again() -> Iterator[str]:  # the first line, read again, under its own number
            self._line = first_line
            yield first

        self._reader = csv.reader(itertools.chain(again(), lines), delimiter=delimiter)
        self._line = first_line - 1
        for line, values in self._records():
            self._set_header(line, values)
            break

    def _lines(self, text: str) -> Iterator[str]:
        for line in io.StringIO(text, newline=""):
            self._line += 1
            if len(line) > MAX_LINE_CHARS:
                raise TableError(
                    _(
                        "La ligne %(line)s dépasse %(max)s caractères : ce n'est pas un tableau ordinaire."
                    )
                    % {"line": self._line, "max": number(MAX_LINE_CHARS)}
                )
            yield line

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        while True:
            start = self._line + 1
            try:
                values = next(self._reader, None)
            except csv.Error as error:
                raise TableError(
                    _("Le fichier CSV est mal formé (ligne %(line)s).") % {"line": start}
                ) from error
            if values is None:
                return
            if values:
                yield start, values

    def _raw_rows(self, width: int) -> Iterator[tuple[int, Sequence]]:
        if self.header_line:
            yield from self._records()
