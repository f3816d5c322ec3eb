"""The titre as HTML (`templates/billing/titre_pdf.html`), the WeasyPrint layout titres had before
Typst: kept for `bench/titre_engines.py` only, which lays the same titres out through WeasyPrint
and LibreOffice to compare the engines. Nothing in the application renders titres this way.
"""

import copy
import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from ligeris.lib import french
from titres.models import RevenueTitle, TitreKind
from titres.money import amount_in_words, format_euros
from titres.titre_typst import designated_court, iban_display, pdf_title, siret_display

TEMPLATE = "billing/titre_pdf.html"
ANCHOR = "titre-"


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _context(titre: RevenueTitle) -> dict:
    snapshot = titre.snapshot or {}
    legal = snapshot.get("legal") or {}
    original = snapshot.get("original")
    is_correction = titre.kind in (TitreKind.REDUCTION, TitreKind.CANCELLATION)
    settlement = snapshot.get("settlement")
    return {
        "titre": titre,
        "s": snapshot,
        # What a correction settles (frozen at issue): paid, still due, the trop-perçu to refund.
        "settlement": (
            {
                name: format_euros(Decimal(settlement[name]))
                for name in ("paid", "net_after", "still_due", "refund")
            }
            | {
                "refunds": Decimal(settlement["refund"]) > 0,
                "due": Decimal(settlement["still_due"]) > 0,
            }
            if settlement
            else None
        ),
        "kind_label": str(titre.heading),
        "is_correction": is_correction,
        "lines": [
            {"label": line.label, "base": line.base, "amount": format_euros(line.amount)}
            for line in titre.lines.all()
        ],
        "total": format_euros(titre.total),
        "total_words": amount_in_words(titre.total),
        # "Fait à Tours, le 20 janvier 2026": the date written out, as an official signs.
        "signed_on": french.short_long_date(titre.issued_on) if titre.issued_on else "",
        "issuer_siret": siret_display((snapshot.get("issuer") or {}).get("siret", "")),
        "debtor_siret": siret_display((snapshot.get("debtor") or {}).get("siret", "")),
        "iban": iban_display((snapshot.get("payment") or {}).get("iban", "")),
        "designated": designated_court(snapshot.get("court") or {}),
        "convention_signed_on": _date(legal.get("convention_signed_on")),
        "original": (
            {
                "reference": original["reference"],
                "issued_on": _date(original.get("issued_on")),
                "total": format_euros(original["total"]) if original.get("total") else "",
            }
            if original
            else None
        ),
    }


def titres_html(titres: Sequence[RevenueTitle]) -> str:
    """The HTML of `titres`, one `<section>` each (what LibreOffice converts in the bench)."""
    with translation.override("fr"):
        return render_to_string(TEMPLATE, {"titres": [_context(t) for t in titres]})


def render_titres_weasyprint(
    titres: Sequence[RevenueTitle], *, variant: str | None = None
) -> dict[int, bytes]:
    """The former renderer: one WeasyPrint layout for all `titres`, split into one PDF each."""
    from ligeris.lib.pdf import render_document

    if not titres:
        return {}
    with translation.override("fr"):
        document = render_document(TEMPLATE, {"titres": [_context(t) for t in titres]})
        titles = {t.pk: pdf_title(t) for t in titres}
    starts: dict[int, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith(ANCHOR):
                starts.setdefault(int(anchor.removeprefix(ANCHOR)), index)
    ordered = sorted(starts.items(), key=lambda item: item[1])
    options = {"pdf_variant": variant} if variant else {}
    pdfs = {}
    for position, (pk, start) in enumerate(ordered):
        end = ordered[position + 1][1] if position + 1 < len(ordered) else len(document.pages)
        split = document.copy(document.pages[start:end])
        split.metadata = copy.copy(document.metadata)  # the copy shares it: one title per titre
        split.metadata.title = titles[pk]
        pdfs[pk] = split.write_pdf(**options)
    return pdfs
