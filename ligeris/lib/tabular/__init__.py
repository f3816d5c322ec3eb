"""Reading an uploaded CSV or XLSX file as rows of text, within bounds of memory and time.

`open_table(name, data, max_rows=...)` gives a Table: its header (the first non-blank row), then
`table.rows(columns)` yields (line, the text of those columns) for each non-blank row after it.
Every problem is a TableError with a French message, raised as soon as it is seen: a file is never
read past its row limit, only the columns asked for are read, and no cell is padded out.
"""

from ligeris.lib.tabular.errors import TableError
from ligeris.lib.tabular.table import Table, open_table

__all__ = ["Table", "TableError", "open_table"]
