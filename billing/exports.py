"""The annual recap as an XLSX workbook and as chart data; cells safe from formula injection."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from billing.recap import Recap
from ligeris.lib.exports import EUROS, HEADER_FILL, neutralise
from titres.money import ZERO

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


def _sheet(
    workbook, title: str, heading: str, headers: list[str], rows, money_columns, totals, tick=None
):
    """One sheet, streamed (openpyxl's write-only mode): heading, header row, rows, totals.

    `totals` may be a callable, read once every row is written (a sum made while streaming);
    `tick()` is called after each row (a progress count)."""
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
        if tick is not None:
            tick()
    if callable(totals):
        totals = totals()
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
    """The workbook of a recap computed in full (`billing.recap.recap_for`): a small year."""
    return recap_workbook(
        recap.fiscal_year,
        pools=recap.pools,
        expenses=recap.expenses,
        tenants=(
            (r.label, r.code, r.payer, r.borne_by_coordinator, r.budget, r.actual, r.difference)
            for r in recap.rows
        ),
        tenant_totals=(recap.budget_total, recap.actual_total, recap.difference_total),
        partners=(
            (r.label, r.code, r.borne_by_coordinator, r.budget, r.actual, r.difference)
            for r in recap.partners
        ),
        detail=(
            (
                line.pool_label,
                line.key_label,
                line.tenant.code if line.tenant else "",
                line.partner.short_name,
                line.base,
                line.billed,
                line.actual,
                line.difference,
                line.direction,
            )
            for line in recap.lines
        ),
    )


def _partner_totals(rows):
    """Pass the partner rows through, summing them for the sheet's total row."""
    seen = []

    def stream():
        for row in rows:
            seen.append(row[3:])
            yield row

    def totals():
        return (
            sum((r[0] for r in seen), ZERO),
            _sum_or_none(r[1] for r in seen),
            _sum_or_none(r[2] for r in seen),
        )

    return stream(), totals


def recap_workbook(
    fiscal_year, *, pools, expenses, tenants, tenant_totals, partners, detail, tick=None
) -> bytes:
    """Five sheets: pools, invoices, distribution by tenant, by partner, detail per share.

    `tenants`, `partners` and `detail` are iterables of plain tuples (streamed from the database
    for a large year): (label, code, payer, borne by the coordinator, billed, actual,
    difference), the same without payer, and (pool, key, tenant, debtor, base, billed, actual,
    difference, direction)."""
    workbook = Workbook(write_only=True)
    year = fiscal_year.year
    heading = _("Tableau récapitulatif %(year)s — %(consortium)s") % {
        "year": year,
        "consortium": fiscal_year.consortium.short_name,
    }
    coordinator = _("à la charge du coordonnateur")
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
            for p in pools
        ],
        (5, 6),
        (
            _("Total"),
            "",
            "",
            "",
            _money(sum((p.budget for p in pools), ZERO)),
            _money(sum((p.actual for p in pools), ZERO)),
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
            for e in expenses
        ],
        (7,),
        (_("Total"), "", "", "", "", "", _money(sum((e.amount for e in expenses), ZERO))),
    )
    amounts = [_("Facturé (prévisionnel)"), _("Réel"), _("Régularisation")]
    _sheet(
        workbook,
        _("Par tenant"),
        heading,
        [_("Tenant ou membre"), _("Code"), _("Payeur"), _("Coordonnateur"), *amounts],
        (
            (label, code, payer, coordinator if borne else "", *map(_money, money))
            for label, code, payer, borne, *money in tenants
        ),
        (5, 6, 7),
        (_("Total"), "", "", "", *map(_money, tenant_totals)),
        tick,
    )
    partner_rows, partner_totals = _partner_totals(partners)
    _sheet(
        workbook,
        _("Par partenaire"),
        heading,
        [_("Partenaire payeur"), _("Code"), _("Coordonnateur"), *amounts],
        (
            (label, code, coordinator if borne else "", *map(_money, money))
            for label, code, borne, *money in partner_rows
        ),
        (4, 5, 6),
        lambda: (_("Total"), "", "", *map(_money, partner_totals())),
        tick,
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
        ((*line[:8], _direction_label(line[8])) for line in detail),
        (6, 7, 8),
        None,
        tick,
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
