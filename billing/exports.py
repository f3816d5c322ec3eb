"""The annual recap as an XLSX workbook and as chart data; cells safe from formula injection."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from billing.money import ZERO
from billing.recap import Recap
from ligeris.lib.exports import neutralise

EUROS = '#,##0.00 "€";-#,##0.00 "€"'
HEADER_FILL = PatternFill("solid", fgColor="DCE3F0")
TOTAL_FONT = Font(bold=True)


def _direction_label(direction: str) -> str:
    return {
        "additional": _("titre complémentaire"),
        "reduction": _("titre de réduction"),
    }.get(direction, "")


def _styled(sheet, values, **style):
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=neutralise(value))
        for name, setting in style.items():
            setattr(cell, name, setting)
        cells.append(cell)
    return cells


def _sheet(workbook, title: str, heading: str, headers: list[str], rows, money_columns, totals):
    """One sheet, streamed (openpyxl's write-only mode): heading, header row, rows, totals."""
    sheet = workbook.create_sheet(title)
    for index, header in enumerate(headers, start=1):
        width = max(len(str(header)), 12)
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 4, 60)
    sheet.freeze_panes = "A4"
    sheet.append(_styled(sheet, [heading], font=Font(bold=True, size=13)))
    sheet.append([])
    sheet.append(
        _styled(
            sheet,
            headers,
            font=Font(bold=True),
            fill=HEADER_FILL,
            alignment=Alignment(wrap_text=True, vertical="top"),
        )
    )
    money = {column - 1 for column in money_columns}

    def cells(values, **style):
        # Plain values stream much faster than cells: only styled ones become cells.
        out = _styled(sheet, values, **style) if style else [neutralise(v) for v in values]
        for index in money:
            if not style:
                out[index] = WriteOnlyCell(sheet, value=out[index])
            out[index].number_format = EUROS
        return out

    for row in rows:
        sheet.append(cells(row))
    if totals is not None:
        sheet.append(cells(totals, font=TOTAL_FONT))
    return sheet


def _sum_or_none(values) -> Decimal | None:
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values, ZERO)


def _money(value: Decimal | None) -> Decimal | None:
    return value  # openpyxl writes a Decimal as a number, exactly


def recap_xlsx(recap: Recap) -> bytes:
    """Five sheets: pools, invoices, distribution by tenant, by partner, detail per share."""
    workbook = Workbook(write_only=True)
    year = recap.fiscal_year.year
    heading = _("Tableau récapitulatif %(year)s — %(consortium)s") % {
        "year": year,
        "consortium": recap.fiscal_year.consortium.short_name,
    }
    _sheet(
        workbook,
        _("Postes"),
        heading,
        [_("Code"), _("Poste"), _("Phase"), _("Clé de répartition"), _("Budget"), _("Réel")],
        [
            (
                p.pool.code,
                p.pool.label,
                p.pool.get_category_display(),
                p.pool.get_key_display(),
                _money(p.budget),
                _money(p.actual),
            )
            for p in recap.pools
        ],
        (5, 6),
        (
            _("Total"),
            "",
            "",
            "",
            _money(recap.pools_budget_total),
            _money(recap.pools_actual_total),
        ),
    )
    _sheet(
        workbook,
        _("Dépenses"),
        heading,
        [
            _("Date"),
            _("Poste"),
            _("Prestataire"),
            _("Lot"),
            _("Référence"),
            _("Objet"),
            _("Montant"),
        ],
        [
            (
                e.invoice_date,
                e.pool.label,
                e.vendor,
                e.contract_lot,
                e.reference,
                e.description,
                _money(e.amount),
            )
            for e in recap.expenses
        ],
        (7,),
        (_("Total"), "", "", "", "", "", _money(sum((e.amount for e in recap.expenses), ZERO))),
    )
    amounts = [_("Facturé (prévisionnel)"), _("Réel"), _("Régularisation")]
    _sheet(
        workbook,
        _("Par tenant"),
        heading,
        [_("Tenant ou membre"), _("Code"), _("Payeur"), _("Coordonnateur"), *amounts],
        [
            (
                r.label,
                r.code,
                r.payer,
                _("à la charge du coordonnateur") if r.borne_by_coordinator else "",
                _money(r.budget),
                _money(r.actual),
                _money(r.difference),
            )
            for r in recap.rows
        ],
        (5, 6, 7),
        (
            _("Total"),
            "",
            "",
            "",
            _money(recap.budget_total),
            _money(recap.actual_total),
            _money(recap.difference_total),
        ),
    )
    _sheet(
        workbook,
        _("Par partenaire"),
        heading,
        [_("Partenaire payeur"), _("Code"), _("Coordonnateur"), *amounts],
        [
            (
                r.label,
                r.code,
                _("à la charge du coordonnateur") if r.borne_by_coordinator else "",
                _money(r.budget),
                _money(r.actual),
                _money(r.difference),
            )
            for r in recap.partners
        ],
        (4, 5, 6),
        (
            _("Total"),
            "",
            "",
            _money(sum((r.budget for r in recap.partners), ZERO)),
            _money(_sum_or_none(r.actual for r in recap.partners)),
            _money(_sum_or_none(r.difference for r in recap.partners)),
        ),
    )
    _sheet(
        workbook,
        _("Détail"),
        heading,
        [
            _("Poste"),
            _("Clé"),
            _("Tenant"),
            _("Débiteur"),
            _("Base"),
            *amounts,
            _("Titre à émettre"),
        ],
        [
            (
                line.pool_label,
                line.key_label,
                line.tenant.code if line.tenant else "",
                line.partner.short_name,
                line.base,
                _money(line.billed),
                _money(line.actual),
                _money(line.difference),
                _direction_label(line.direction),
            )
            for line in recap.lines
        ],
        (6, 7, 8),
        None,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
