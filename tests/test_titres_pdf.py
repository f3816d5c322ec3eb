"""The titre PDF: every mention a titre must carry, read back from the PDF with pypdf.

Titres are issued through the real services (settings, drafts from the 2026 budget run, the
below-threshold decision, batch issue, corrections), then rendered by `titres.titre_pdf`.
Amounts are read back from the text and compared with the shares they come from.
"""

import datetime
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from pypdf import PdfReader

from billing.models import AllocationKey, CostPool, RunKind, Share
from billing.services import costs, runs, titres
from ligeris.lib import typst as typst_lib
from titres import tasks, titre_pdf
from titres.models import RevenueTitle, TitreDocument, TitreKind, TitreState
from titres.titre_pdf import PDFA, render_titre, render_titres
from titres.titre_typst import pdf_title

ISSUE_DATE = datetime.date(2026, 1, 20)
SIGNATORY = {
    "signatory_last_name": "Paumier",
    "signatory_first_names": "Jean-Gérard",
    "signatory_role": "Président du Conseil départemental d'Indre-et-Loire",
}
DELIBERATION = "délibération de la commission permanente du 20 octobre 2023"
IBAN = "FR7630001007941234567890185"
BIC = "BDFEFRPPCCT"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def titre_settings(world):
    return titres.settings_save(
        consortium=world.consortium,
        **SIGNATORY,
        approving_deliberation=DELIBERATION,
        accountant_name="Paierie départementale d'Indre-et-Loire",
        accountant_address="Place de la Préfecture, 37000 Tours",
        iban=IBAN,
        bic=BIC,
    )


def issue_budget_batch(billing_year) -> list[RevenueTitle]:
    """The annual titres of 2026 from the budget run, issued on 20 January; in number order."""
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    for draft in batch.titres.filter(below_threshold=True):
        titres.titre_decide_recovery(titre=draft, recover=True)
    titres.batch_issue(batch=batch)  # rendering is queued on commit: the tests render themselves
    return list(
        RevenueTitle.objects.filter(batch=batch, state=TitreState.ISSUED)
        .select_related("debtor", "tenant", "batch")
        .prefetch_related("lines")
        .order_by("number")
    )


@pytest.fixture
def issued(world, billing_year, titre_settings) -> list[RevenueTitle]:
    return issue_budget_batch(billing_year)


# --- Reading the PDF back -----------------------------------------------------------------------


def normalise(text: str) -> str:
    """One space between words: no-break spaces become spaces, line breaks too.

    A line that ends with a hyphen broke a compound word (« Indre-et-/Loire »): joined back.
    """
    text = re.sub(r"-\n", "-", text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pages_text(pdf: bytes) -> list[str]:
    return [normalise(page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def text_of(pdf: bytes) -> str:
    return " ".join(pages_text(pdf))


def french(amount: Decimal) -> str:
    """1 234,56 €, written independently of titres.money (after normalise)."""
    units, cents = f"{amount:.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{' '.join(groups)},{cents} €"


def printed_amount(text: str, label: str) -> Decimal:
    """The amount printed right after `label`: « Total à payer 13 391,76 € » → 13391.76."""
    match = re.search(re.escape(label) + r" (-?[\d ]+,\d\d) €", text)
    assert match, f"no amount after « {label} »"
    return Decimal(match.group(1).replace(" ", "").replace(",", "."))


def compact(text: str) -> str:
    return text.replace(" ", "")


# --- Every mention of a titre -------------------------------------------------------------------


def test_the_pdf_carries_every_mention_of_a_titre(world, issued):
    titre = next(t for t in issued if t.tenant == world.tenant_a)  # Ville de Blois, tenant blois
    text = text_of(render_titre(titre))

    coordinator, debtor = world.coordinator, world.partner_a
    # Issuer, as authorising officer, and the signing authority: role, first names, LAST NAME.
    assert coordinator.name in text
    assert "Ordonnateur : Président du Conseil départemental d'Indre-et-Loire" in text
    assert "Jean-Gérard PAUMIER" in text
    assert "L'ordonnateur, Président du Conseil départemental d'Indre-et-Loire" in text
    # Debtor: name, SIRET, address.
    assert "Ville de Blois" in text
    assert debtor.siret in compact(text)
    assert f"{debtor.address} {debtor.postal_code} {debtor.city.upper()}" in text
    # Identification: fiscal year, number, batch, date of issue, imputation.
    assert re.search(r"Exercice Titre n° Bordereau n° Date d'émission", text)
    assert f"2026 {titre.reference} 1 20/01/2026 Chapitre 70 — article 70878" in text
    assert re.fullmatch(r"2026-000\d\d", titre.reference)
    assert "Remboursements de frais par d'autres redevables" in text
    # Object and legal basis: convention and its date, article 7, deliberation, grid year.
    assert f"Objet : {titre.object}" in text
    assert "Convention de mutualisation du 15/12/2023, article 7" in text
    assert f"approuvée par {DELIBERATION}" in text
    assert "grille tarifaire de contribution (annexe 1) de l'exercice 2026" in text
    # Payment: due date, accountant, IBAN, BIC, reference to quote.
    assert "Date limite de paiement 19/02/2026" in text
    assert titre.due_on == datetime.date(2026, 2, 19)
    assert "Paierie départementale d'Indre-et-Loire" in text
    assert "IBAN FR76 3000 1007 9412 3456 7890 185" in text
    assert f"BIC {BIC}" in text
    assert f"Référence à rappeler {titre.reference}" in text
    # Executory formula, remedies, signature place and date.
    assert (
        "exécutoire en application de l'article L. 252 A du livre des procédures fiscales" in text
    )
    assert "L. 1617-5 du code général des collectivités territoriales" in text
    assert "Dans un délai de deux mois suivant la réception du présent titre" in text
    assert "Tribunal administratif d'Orléans, 28 rue de la Bretonnerie" in text
    assert "article 12 de la convention" in text
    assert "Fait à Tours, le 20 janvier 2026" in text
    # The footer names the titre.
    assert f"n° {titre.reference} — exercice 2026 — bordereau n° 1" in text


def test_each_line_and_the_total_are_the_shares(world, issued):
    """Lines print their label, base and amount; the totals are those of the payer's shares."""
    shares = Share.objects.filter(run__titres__in=issued, borne_by_coordinator=False).distinct()
    printed_by_debtor: dict[int, Decimal] = {}
    for titre in issued:
        text = text_of(render_titre(titre))
        for line in titre.lines.all():
            assert f"{normalise(line.label)} {normalise(line.base)} {french(line.amount)}" in text
        printed = printed_amount(text, "Total à payer")
        assert printed == titre.total
        assert printed_amount(text, "Somme à payer") == printed
        printed_by_debtor[titre.debtor_id] = printed_by_debtor.get(titre.debtor_id, 0) + printed
        # A tenant's shares are on its titre, each printed with its own amount.
        for share in shares.filter(tenant=titre.tenant):
            assert f"{share.pool_label} — {titre.tenant.code}" in text
            assert french(share.amount) in text
    # Per payer, the printed totals add up to its shares of the run, to the cent.
    for debtor_id, printed in printed_by_debtor.items():
        assert printed == sum(s.amount for s in shares.filter(partner_id=debtor_id))
    assert set(printed_by_debtor) == {world.partner_a.pk, world.partner_b.pk}


def test_the_total_is_in_figures_and_in_words(world, issued):
    titre = next(t for t in issued if t.tenant == world.tenant_b)  # Agglopolys
    text = text_of(render_titre(titre))
    # 2 105,27 (hosting) + 2 097,90 (volume) + 2 526,32 (staff) + 333,34 (setup, member share).
    assert titre.total == Decimal("7062.83")
    assert "Total à payer 7 062,83 €" in text
    assert (
        "Arrêté le présent titre à la somme de : sept mille soixante-deux euros et "
        "quatre-vingt-trois centimes." in text
    )


# --- One batch render, one PDF per titre, pages counted per titre ------------------------------


def test_a_batch_render_gives_each_titre_its_own_pdf(issued):
    pdfs = render_titres(issued)
    assert set(pdfs) == {t.pk for t in issued}
    assert len(issued) == 4
    references = {t.reference for t in issued}
    for titre in issued:
        text = text_of(pdfs[titre.pk])
        assert titre.reference in text
        assert titre.snapshot["debtor"]["name"] in text
        for other in references - {titre.reference}:
            assert other not in text
        assert pages_text(pdfs[titre.pk])[-1].endswith("Page 1 / 1")


def test_a_long_titre_counts_its_own_pages_within_a_batch(world, billing_year, titre_settings):
    """Agglopolys' titre gets 25 direct charges: two pages, numbered 1 / 2 and 2 / 2."""
    for n in range(1, 26):
        costs.pool_save(
            pool=CostPool(fiscal_year=billing_year.fiscal_year),
            code=f"presta-{n:02d}",
            label=f"Prestation spécifique n° {n:02d} du prestataire SAE",
            key=AllocationKey.DIRECT,
            direct_tenant=world.tenant_b,
            budget_amount=Decimal("100") + n,
        )
    issued = issue_budget_batch(billing_year)
    long = next(t for t in issued if t.tenant == world.tenant_b)
    assert long.lines.count() == 29

    pdfs = render_titres(issued)
    pages = pages_text(pdfs[long.pk])
    assert len(pages) == 2
    assert pages[0].endswith("Page 1 / 2")
    assert pages[1].endswith("Page 2 / 2")
    assert f"n° {long.reference} — exercice 2026" in pages[1]  # the footer of its second page
    # Every line is on one of the two pages, the total on the last one.
    text = " ".join(pages)
    for n in range(1, 26):
        assert f"Prestation spécifique n° {n:02d} du prestataire SAE — agglo" in text
    assert printed_amount(pages[1], "Total à payer") == long.total
    # The titres laid out after it still count from 1.
    for titre in issued:
        if titre != long:
            assert [p[-10:] for p in pages_text(pdfs[titre.pk])] == ["Page 1 / 1"]


# --- Corrections --------------------------------------------------------------------------------


def test_a_reduction_titre_shows_the_original_and_the_reason(world, issued):
    original = next(t for t in issued if t.tenant == world.tenant_a)
    reason = "Tenant ouvert avec un mois de retard (COPIL du 12/03/2026)"
    reduction = titres.titre_correct(
        original=original,
        kind=TitreKind.REDUCTION,
        reason=reason,
        issue_date=datetime.date(2026, 3, 16),
        amount=Decimal("100.00"),
    )
    text = text_of(render_titre(reduction))
    assert f"TITRE DE RÉDUCTION du titre n° {original.reference}" in text
    assert f"N° {reduction.reference}" in text
    assert f"Titre corrigé : titre de recette n° {original.reference} du 20/01/2026" in text
    assert f"d'un montant initial de {french(original.total)}" in text
    assert f"Motif : {reason}" in text
    assert "Montant de la réduction 100,00 €" in text
    assert "Arrêté le présent titre à la somme de : cent euros." in text
    assert "bordereau n° 2" in text
    # Nothing to pay: no due date, no bank details, no executory formula; remedies stay.
    assert IBAN not in compact(text)
    assert "IBAN" not in text and BIC not in text
    assert "Date limite" not in text and "Somme à payer" not in text
    assert "L. 252 A" not in text
    assert "deux mois" in text and "Tribunal administratif d'Orléans" in text
    assert "Jean-Gérard PAUMIER" in text


def test_a_cancellation_titre(world, issued):
    original = next(t for t in issued if t.tenant == world.tenant_b)
    cancellation = titres.titre_correct(
        original=original,
        kind=TitreKind.CANCELLATION,
        reason="Titre émis en double",
        issue_date=datetime.date(2026, 2, 2),
    )
    text = text_of(render_titre(cancellation))
    assert "TITRE D'ANNULATION du titre n° " + original.reference in text
    assert "Motif : Titre émis en double" in text
    assert f"Montant annulé {french(original.total)}" in text
    assert f"annule la somme due au titre de recette n° {original.reference}" in text
    assert "IBAN" not in text


# --- Fonts, PDF/A, stored bytes -----------------------------------------------------------------


def _fonts(pdf: bytes) -> list[tuple[str, bool]]:
    """(name, embedded) of every font the pages use, descendant fonts included."""
    fonts = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts.append((str(font["/BaseFont"]), embedded))
    return fonts


def test_the_pdf_embeds_the_projects_fonts_only(issued):
    fonts = _fonts(render_titre(issued[0]))
    # Subsets of static/fonts' Liberation Sans, regular and bold, embedded.
    assert {re.sub(r"^/[A-Z]{6}\+", "", name) for name, _e in fonts} == {
        "LiberationSans",
        "LiberationSans-Bold",
    }
    assert all(embedded for _name, embedded in fonts)
    # Typst knows no other font: neither the system's nor its own (a fallback would show here).
    shipped = Path(settings.BASE_DIR) / "static" / "fonts"
    known = typst_lib._fonts().fonts()
    assert {Path(font.path).parent for font in known} == {shipped}
    assert {font.family for font in known} == {"Liberation Sans"}


def assert_pdfa_3b(pdf: bytes, title: str) -> PdfReader:
    """PDF/A-3b claimed in the XMP, the sRGB output intent, fonts embedded, `title` as title in
    both the information dictionary and the XMP, one page count that agrees."""
    reader = PdfReader(io.BytesIO(pdf))
    descriptions = reader.xmp_metadata.rdf_root.getElementsByTagNameNS(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
    )
    ids = {
        (d.getAttributeNS(PDFAID, "part"), d.getAttributeNS(PDFAID, "conformance"))
        for d in descriptions
        if d.hasAttributeNS(PDFAID, "part")
    }
    xmp = reader.xmp_metadata.rdf_root.toxml()
    if not ids:  # Typst writes the identification as elements
        ids = {
            (
                re.search(r"<pdfaid:part>(\d)</pdfaid:part>", xmp).group(1),
                re.search(r"<pdfaid:conformance>(\w)</pdfaid:conformance>", xmp).group(1),
            )
        }
    assert ids == {("3", "B")}
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert intents[0].get_object()["/DestOutputProfile"].get_object().get_data()[36:40] == b"acsp"
    assert len(reader.trailer["/ID"]) == 2
    assert all(embedded for _name, embedded in _fonts(pdf))
    assert reader.metadata.title == title
    assert reader.xmp_metadata.dc_title == {"x-default": title}
    assert f"<xmpTPg:NPages>{len(reader.pages)}</xmpTPg:NPages>" in xmp
    return reader


def test_every_pdf_is_pdfa_3b_and_titled_after_its_titre(issued):
    pdfs = render_titres(issued)  # one compile, split: each part keeps PDF/A and its own title
    assert len(set(pdfs.values())) == len(issued)
    for titre in issued:
        title = f"Titre annuel (terme à échoir) n° {titre.reference} — {titre.debtor.name}"
        assert_pdfa_3b(pdfs[titre.pk], title)
        assert titre.reference in text_of(pdfs[titre.pk])
    # Alone, or asked for the archival variant by name (the download button): the same.
    assert_pdfa_3b(render_titre(issued[0]), pdf_title(issued[0]))
    assert_pdfa_3b(render_titre(issued[0], variant=PDFA), pdf_title(issued[0]))


def test_the_stored_pdf_and_its_sha256(issued):
    batch = issued[0].batch
    assert tasks.render_missing(batch.pk) == len(issued)
    assert tasks.render_missing(batch.pk) == 0  # rendered once
    for titre in issued:
        document = TitreDocument.objects.get(titre=titre)
        pdf = bytes(document.pdf)
        assert pdf.startswith(b"%PDF-")
        assert document.sha256 == hashlib.sha256(pdf).hexdigest()
        assert document.size == len(pdf)
        assert titre.reference in text_of(pdf)
        assert_pdfa_3b(pdf, pdf_title(titre))


def test_the_pdf_is_french_whatever_the_active_language(issued, monkeypatch):
    languages = []
    wording = titre_pdf.labels

    def spy(*args, **kwargs):
        languages.append(translation.get_language())
        return wording(*args, **kwargs)

    monkeypatch.setattr(titre_pdf, "labels", spy)
    with translation.override("en"):
        text = text_of(render_titre(issued[0]))
    assert languages == ["fr"]
    assert "Titre annuel (terme à échoir)" in text
    assert "Arrêté le présent titre à la somme de" in text


#: Typst markup and code, and what HTML or LaTeX would read: printed as typed, never run.
HOSTILE = (
    '#set text(fill: red) [crochets] $x^2$ <etiquette> \\ @import "evil.typ" '
    '#eval("1+1") #read("/etc/passwd") #panic("boom") *gras* _penché_ `brut` = Titre // rien'
)


def test_a_hostile_debtor_name_is_printed_literally(world, billing_year, titre_settings):
    world.partner_a.name = HOSTILE
    world.partner_a.save(update_fields=["name"])
    # Characters the shipped fonts lack: transliterated, since PDF/A forbids a missing glyph.
    world.partner_b.name = "Syndicat d’€uro 中文 «Œuvre»\x07"
    world.partner_b.save(update_fields=["name"])
    issued = issue_budget_batch(billing_year)
    hostile = [t for t in issued if t.debtor_id == world.partner_a.pk]
    assert hostile
    pdfs = render_titres(issued)  # in a batch render, the other titres are unharmed
    for titre in hostile:
        text = text_of(pdfs[titre.pk])
        # Every character as typed (the name wraps in the window: a line may break after "/").
        assert compact(normalise(HOSTILE)) in compact(text)
        for token in ("#set text(fill: red)", "[crochets]", "$x^2$", "<etiquette> \\ @import"):
            assert token in text
        assert '#eval("1+1")' in text and "root:" not in text
        assert_pdfa_3b(pdfs[titre.pk], pdf_title(titre))
        assert titre.snapshot["debtor"]["name"] == HOSTILE
    for titre in issued:
        assert titre.reference in text_of(pdfs[titre.pk])
        if titre.debtor_id == world.partner_b.pk:
            assert "Syndicat d’€uro ZhongWen «Œuvre»" in text_of(pdfs[titre.pk])
            title = pdf_title(titre).replace("中文", "ZhongWen").removesuffix("\x07")
            assert typst_lib.printable(pdf_title(titre)) == title
            assert_pdfa_3b(pdfs[titre.pk], title)


# --- Wording the administrator adapts -------------------------------------------------------------


def test_the_executory_formula_and_remedies_follow_the_settings_frozen_at_issue(
    world, billing_year, titre_settings
):
    standard = "est exécutoire en application de l'article L. 252 A"
    titre_settings.executory_formula = "Titre rendu exécutoire par le Président, selon l'usage."
    titre_settings.remedies_text = "Recours : tribunal administratif de Nantes, deux mois."
    titre_settings.save()
    adapted = issue_budget_batch(billing_year)[0]
    assert adapted.snapshot["wording"]["remedies"].startswith("Recours : tribunal")
    text = text_of(render_titre(adapted))
    assert "Titre rendu exécutoire par le Président, selon l'usage." in text
    assert "Recours : tribunal administratif de Nantes, deux mois." in text
    assert standard not in text and "Télérecours" not in text

    # Changing the settings later changes nothing of what was issued.
    titre_settings.executory_formula = titre_settings.remedies_text = ""
    titre_settings.save()
    adapted.refresh_from_db()
    assert "selon l'usage" in text_of(render_titre(adapted))


def test_a_titre_frozen_before_the_wording_settings_prints_the_standard_text(issued):
    titre = issued[0]
    titre.snapshot.pop("wording")  # as issued before the settings had the fields
    text = text_of(render_titre(titre))
    assert "est exécutoire en application de l'article L. 252 A" in text
    assert "Télérecours" in text


def test_the_remedies_cite_the_consortiums_own_article_designating_the_court(
    world, billing_year, titre_settings
):
    # Ligeris's convention designates the court in its article 12, GIP RECIA's in its article 8.
    titre_settings.court_article = "8"
    titre_settings.save()
    titre = issue_budget_batch(billing_year)[0]
    assert titre.snapshot["court"]["article"] == "8"
    text = normalise(text_of(render_titre(titre)))
    assert "désignée par l'article 8 de la convention" in text
    assert "article 12" not in text

    titre.snapshot["court"]["article"] = ""  # a convention whose article is not given
    assert "juridiction désignée par la convention (article L. 1617-5" in normalise(
        text_of(render_titre(titre))
    )
    titre.snapshot["court"].pop("article")  # as issued before the setting: article 12 printed
    assert "désignée par l'article 12 de la convention" in normalise(text_of(render_titre(titre)))
