"""Table exports (CSV, XLSX) whose cells a spreadsheet cannot run as formulas."""

from django_tables2.export import TableExport
from tablib import Dataset

# A cell starting with one of these is read as a formula by spreadsheet software (OWASP).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeTableExport(TableExport):
    ALLOWED = (TableExport.CSV, TableExport.XLSX)

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        return export_format in cls.ALLOWED

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None) -> Dataset:
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = Dataset(title=dataset.title, headers=dataset.headers)
        for row in dataset:
            safe.append([neutralise(value) for value in row])
        return safe
