"""The import file of a batch for accounting software that does not read the PES: one row per
titre line, as CSV in the French convention (`;`, UTF-8 with BOM, decimal comma, dates
dd/mm/yyyy) or as XLSX with numeric amounts. Cells are guarded against formula injection.

Amounts are as on the titres, positive; the "Nature" column says which pieces reduce another
(and the titre they reduce), as the PES does with its bordereaux of corrections.
"""

import csv
import datetime
import io
from dataclasses import astuple, dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ligeris.lib.exports import EUROS, HEADER_FILL, neutralise
from titres.models import TitreBatch, TitreState


@dataclass(frozen=True)
class Row:
    exercise: int
    batch: int
    titre: int
    line: int
    nature: str
    original: str
    issued_on: datetime.date
    siret: str
    debtor: str
    chapter: str
    imputation: str
    amount: Decimal
    object: str
    label: str


def headers() -> list[str]:
    return [
        _("Exercice"),
        _("Bordereau"),
        _("Titre"),
        _("Ligne"),
        _("Nature"),
        _("Titre d'origine"),
        _("Date d'émission"),
        _("SIRET du tiers"),
        _("Tiers"),
        _("Chapitre"),
        _("Imputation"),
        _("Montant"),
        _("Objet"),
        _("Libellé de la ligne"),
    ]


AMOUNT, DATE = 11, 6  # column indexes


def rows(batch: TitreBatch) -> list[Row]:
    """Every line of the batch's issued titres, from the titres as issued (snapshot)."""
    if batch.is_draft:
        raise ValidationError(_("Le fichier d'import se produit une fois le bordereau émis."))
    titres = (
        batch.titres.filter(state=TitreState.ISSUED)
        .select_related("original")
        .prefetch_related("lines")
        .order_by("exercise", "number")
    )
    out = []
    for titre in titres:
        debtor = titre.snapshot.get("debtor") or {}
        imputation = titre.snapshot.get("imputation") or {}
        for line in titre.lines.all():
            out.append(
                Row(
                    exercise=titre.exercise,
                    batch=batch.number,
                    titre=titre.number,
                    line=line.position,
                    nature=titre.heading,
                    original=titre.original.reference if titre.original_id else "",
                    issued_on=titre.issued_on,
                    siret=debtor.get("siret", ""),
                    debtor=debtor.get("name", ""),
                    chapter=str(imputation.get("chapter", "")),
                    imputation=str(imputation.get("article", "")),
                    amount=line.amount,
                    object=titre.object,
                    label=line.label,
                )
            )
    if not out:
        raise ValidationError(_("Aucun titre émis dans ce bordereau."))
    return out


def _french(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(neutralise(value))


def to_csv(batch_rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers())
    for row in batch_rows:
        writer.writerow([_french(value) for value in astuple(row)])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(batch_rows: list[Row]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Titres"))
    header = []
    for title in headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        header.append(cell)
    sheet.append(header)
    for row in batch_rows:
        cells = [WriteOnlyCell(sheet, value=neutralise(value)) for value in astuple(row)]
        cells[AMOUNT].number_format = EUROS  # a number, shown in euros
        cells[DATE].number_format = "DD/MM/YYYY"
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_stem(batch: TitreBatch) -> str:
    return f"import-comptable-{batch.issue_date:%Y}-bordereau-{batch.number}"
