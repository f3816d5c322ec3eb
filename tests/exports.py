"""Reading our CSV exports back as a French spreadsheet would: UTF-8 with BOM, `;` between fields."""

import csv
import io


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf"), "a CSV export starts with a BOM"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
