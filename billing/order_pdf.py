"""The issued purchase order as a PDF (WeasyPrint, through `ligeris/lib/pdf`): rendered once at
issue and stored with its SHA-256, like a titre's."""

from billing.models import PurchaseOrder
from ligeris.lib.pdf import render_pdf


def order_context(order: PurchaseOrder) -> dict:
    consortium = order.fiscal_year.consortium
    return {
        "order": order,
        "consortium": consortium,
        "coordinator": consortium.coordinator,
        "partner": order.partner,
        "tenant": order.tenant,
        "lines": list(order.lines.select_related("tariff_line").order_by("position")),
    }


def order_pdf_bytes(order: PurchaseOrder) -> bytes:
    return render_pdf("billing/orders/order_pdf.html", order_context(order))
