"""The PDF of titres: every titre of a batch laid out in one render, then one PDF per titre.

Always in French: a titre is a legal document of the coordinator. It is rendered from the titre's
snapshot (the mentions frozen at issue), its lines and its total, nothing else.

Each titre is a `<section>` on its own named page group (`page: titre` in `static/css/titre.css`):
the page counter restarts at 1 on each titre's first page, and "page X / Y" takes Y from the
page of the anchor that closes the titre, so a titre counts its own pages even in a batch render.
"""

import copy
import datetime
import hashlib
from collections.abc import Sequence
from decimal import Decimal

from django.utils import translation

from billing.models import RevenueTitle, TitreKind
from billing.money import amount_in_words, format_euros
from ligeris.lib import french
from ligeris.lib.pdf import render_document

TEMPLATE = "billing/titre_pdf.html"
ANCHOR = "titre-"
PDFA = "pdf/a-3b"


def _grouped(value: str, sizes: Sequence[int]) -> str:
    """`value` without spaces, cut in groups of `sizes` (the last size repeats) for reading."""
    compact = "".join((value or "").split())
    groups, start, index = [], 0, 0
    while start < len(compact):
        size = sizes[min(index, len(sizes) - 1)]
        groups.append(compact[start : start + size])
        start, index = start + size, index + 1
    return " ".join(groups)


def siret_display(siret: str) -> str:
    """204 456 768 00017: SIREN in threes, then the NIC."""
    return _grouped(siret, (3, 3, 3, 5))


def iban_display(iban: str) -> str:
    """FR80 3000 1004 111C 3700 0000 004, as an IBAN is printed."""
    return _grouped(iban, (4,))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _title(titre: RevenueTitle) -> str:
    """The PDF's title: « Titre annuel (terme à échoir) n° 2026-00042 — Agglopolys »."""
    debtor = (titre.snapshot or {}).get("debtor") or {}
    return f"{titre.get_kind_display()} n° {titre.reference} — {debtor.get('name', '')}"


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
        "kind_label": str(titre.get_kind_display()),
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


def render_titres(
    titres: Sequence[RevenueTitle], *, variant: str | None = None
) -> dict[int, bytes]:
    """One layout for all `titres`, split into one PDF each: {titre pk: PDF bytes}."""
    if not titres:
        return {}
    with translation.override("fr"):
        document = render_document(TEMPLATE, {"titres": [_context(t) for t in titres]})
        titles = {t.pk: _title(t) for t in titres}
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


def render_titre(titre: RevenueTitle, *, variant: str | None = None) -> bytes:
    return render_titres([titre], variant=variant)[titre.pk]


def sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
