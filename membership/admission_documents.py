"""The impact simulation for the COPIL file: an XLSX sheet and a PDF."""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from ligeris.lib.exports import xlsx_bytes
from membership.simulation import Impact


def impact_headers() -> list[str]:
    return [
        _("Partenaire"),
        _("Quote-part sans le candidat (€)"),
        _("Quote-part avec le candidat (€)"),
        _("Écart (€)"),
        _("Écart (%)"),
    ]


def impact_xlsx(impact: Impact) -> bytes:
    rows = [
        [r.partner.name, r.without, r.with_candidate, r.difference, r.percent] for r in impact.rows
    ]
    title = _("Simulation %(year)s") % {"year": impact.fiscal_year.year}
    return xlsx_bytes(title, impact_headers(), rows, money={1, 2, 3})


def impact_pdf(impact: Impact) -> bytes:
    # WeasyPrint is heavy at import: loaded when a PDF is asked for, not at start-up.
    from ligeris.lib.pdf import render_pdf

    return render_pdf("membership/admission_simulation_pdf.html", {"impact": impact})


def impact_filename(impact: Impact, extension: str) -> str:
    name = slugify(impact.candidacy.partner.short_name or impact.candidacy.partner.name)
    return f"simulation-adhesion-{name}-{impact.fiscal_year.year}.{extension}"
