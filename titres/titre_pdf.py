"""The PDF of titres: a chunk of titres laid out by Typst in one compile, then one PDF per titre.

Always in French: a titre is a legal document of the coordinator. It is rendered from the titre's
snapshot (the mentions frozen at issue), its lines and its total, nothing else
(`titres/titre_typst.py` makes the JSON; `titres/typst/titre.typ` lays it out). Every PDF is
PDF/A-3b, titled after its titre.
"""

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.utils import translation

from ligeris.lib import pdf_split
from ligeris.lib.typst import PDFA_3B, compile_pdf, printable
from titres.models import RevenueTitle, TitreLogo
from titres.titre_typst import labels, logo_file, pdf_title, titre_data

TEMPLATE = Path(__file__).resolve().parent / "typst" / "titre.typ"
#: Every PDF is PDF/A-3b now; the name stays for the callers that asked for it.
PDFA = PDFA_3B
#: The template's list of the first page of each titre, in the order of the titres.
STARTS = "<titre-starts>"


def logo_root() -> Path:
    """Typst's root for the titres: the logos of their snapshots, `<sha256>.<format>` each,
    written from the database on first use. The template can read nothing else."""
    return Path(settings.VAR_DIR) / "typst-titre-root"


def write_logos(titres: Sequence[RevenueTitle]) -> None:
    """Every logo the snapshots of `titres` name, on disk in `logo_root()` (one query, only for
    those not there yet). Named by their hash, a file once written is never rewritten."""
    root = logo_root()
    wanted = {}
    for titre in titres:
        logo = (titre.snapshot or {}).get("logo")
        if logo and not (root / logo_file(logo)).exists():
            wanted[logo["sha256"]] = logo
    if not wanted:
        return
    root.mkdir(parents=True, exist_ok=True)
    stored = {row.sha256: row for row in TitreLogo.objects.filter(sha256__in=wanted)}
    for sha, logo in wanted.items():
        row = stored.get(sha)
        data = bytes(row.image) if row else b""
        if hashlib.sha256(data).hexdigest() != sha:
            # Printing the titre without it would change an issued titre: refuse instead.
            raise LookupError(f"the logo {sha} of an issued titre is not stored")
        # Written aside, then renamed: a worker never reads a half-written file.
        handle, temporary = tempfile.mkstemp(dir=root, prefix=".logo-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, root / logo_file(logo))


def titres_data(titres: Sequence[RevenueTitle]) -> dict:
    """The template's JSON for `titres`: the wording, then every titre's mentions."""
    with translation.override("fr"):
        first = titres[0].snapshot or {}
        return {
            "title": pdf_title(titres[0]),
            "author": (first.get("issuer") or {}).get("name", ""),
            "description": "Titre de recette — " + (first.get("consortium") or {}).get("name", ""),
            "labels": labels(),
            "titres": [titre_data(t) for t in titres],
        }


def render_titres(
    titres: Sequence[RevenueTitle], *, variant: str | None = None
) -> dict[int, bytes]:
    """One compile for all `titres`, split into one PDF each: {titre pk: PDF bytes}.

    `variant` is accepted for the callers of the WeasyPrint days: every PDF is PDF/A-3b.
    """
    if not titres:
        return {}
    write_logos(titres)
    data = titres_data(titres)
    pdf, starts = compile_pdf(TEMPLATE, data, query=STARTS, root=logo_root())
    if len(titres) == 1:
        return {titres[0].pk: pdf}  # already titled after its titre
    with translation.override("fr"):
        titles = [printable(pdf_title(t)) for t in titres]  # as the template prints them
    parts = pdf_split.split(pdf, [page - 1 for page in starts], titles)
    return dict(zip((t.pk for t in titres), parts, strict=True))


def render_titre(titre: RevenueTitle, *, variant: str | None = None) -> bytes:
    return render_titres([titre], variant=variant)[titre.pk]


def sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
