"""The PDF of titres: every titre of a batch laid out in one render, then one PDF per titre.

Always in French: a titre is a legal document of the coordinator. It is rendered from the titre's
snapshot (the mentions frozen at issue), its lines and its total, nothing else.
"""

import datetime
import hashlib
from collections.abc import Sequence

from billing.models import RevenueTitle, TitreKind
from billing.money import amount_in_words, format_euros
from ligeris.lib.pdf import render_document

TEMPLATE = "billing/titre_pdf.html"
ANCHOR = "titre-"
PDFA = "pdf/a-3b"


def _context(titre: RevenueTitle) -> dict:
    snapshot = titre.snapshot
    return {
        "titre": titre,
        "s": snapshot,
        "lines": list(titre.lines.all()),
        "total": format_euros(titre.total),
        "total_words": amount_in_words(titre.total),
        "issued_on": titre.issued_on,
        "is_correction": titre.kind in (TitreKind.REDUCTION, TitreKind.CANCELLATION),
        "convention_signed_on": (
            datetime.date.fromisoformat(snapshot["legal"]["convention_signed_on"])
            if snapshot.get("legal", {}).get("convention_signed_on")
            else None
        ),
    }


def render_titres(
    titres: Sequence[RevenueTitle], *, variant: str | None = None
) -> dict[int, bytes]:
    """One layout for all `titres`, split into one PDF each: {titre pk: PDF bytes}."""
    if not titres:
        return {}
    document = render_document(TEMPLATE, {"titres": [_context(t) for t in titres]})
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
        pdfs[pk] = document.copy(document.pages[start:end]).write_pdf(**options)
    return pdfs


def render_titre(titre: RevenueTitle, *, variant: str | None = None) -> bytes:
    return render_titres([titre], variant=variant)[titre.pk]


def sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
