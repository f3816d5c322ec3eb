"""The PES V2 flux of a batch: valid against the shipped XSD, read back to every titre's number,
debtor, lines and PDF; reductions and cancellations attached line by line to their original;
hostile names escaped and transliterated; the same bytes every time; bounded queries."""

import datetime
import hashlib
import io
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from billing.models import RunKind
from billing.services import runs, titres
from partners import services as partner_services
from tests.factories import PartnerFactory
from tests.pes_fixtures import (
    PES_CODES,
    annual_batch,
    check_against_titres,
    correct,
    export,
    issue,
    mixed_batch,
    pes_settings,
)
from tests.titre_fixtures import ISSUE_DATE, settings_for, specific_run, twenty_drafts
from titres.models import PesExport, RevenueTitle, TitreBatch, TitreKind, TitreLine
from titres.pes import builder, codes, services

NAME = re.compile(r"^PESALR1_20445676800017_\d{6}_\d{4}\.xml$")


def by_number(parsed):
    return {piece.number: piece for piece in parsed.flux.pieces}


def test_the_annual_batch_flux_is_valid_and_reads_back_to_its_titres(world, billing_year):
    batch = annual_batch(world, billing_year)
    name, content, parsed = export(batch)
    assert NAME.match(name) and name.startswith("PESALR1_20445676800017_260120_")
    assert content.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<n:PES_Aller ')
    check_against_titres(batch, parsed)
    flux = parsed.flux
    assert flux.header.file_name == name
    assert (flux.header.poste, flux.header.siret) == ("037000", "20445676800017")
    assert (flux.header.collectivity_code, flux.header.budget_code) == ("037", "01")
    assert (flux.header.product_code, flux.header.function) == ("MUTU", "0202")
    [bordereau] = flux.bordereaux
    assert (bordereau.typ_bord, bordereau.exercise, bordereau.number) == ("01", 2026, 1)
    assert bordereau.issued_on == ISSUE_DATE
    assert bordereau.total == sum(t.total for t in batch.titres.all())
    blois = RevenueTitle.objects.get(batch=batch, tenant=world.tenant_a)
    piece = by_number(parsed)[blois.number]
    assert piece.debtor.name == ["VILLE DE BLOIS"]
    assert (piece.debtor.category, piece.debtor.legal_nature) == ("23", "09")  # a commune
    assert piece.debtor.address == ["", "1 PLACE DE LA MAIRIE", ""]
    assert piece.debtor.city == "TOURS"
    assert [(line.number, line.label) for line in piece.lines] == [
        (line.position, line.label.replace("—", "-")) for line in blois.lines.all()
    ]
    # Rebuilding the records read back gives the same bytes: nothing was lost or added.
    assert builder.build(flux) == content


def test_the_same_batch_gives_the_same_bytes_and_each_export_is_recorded(
    world, billing_year, users
):
    batch = annual_batch(world, billing_year)
    name, first, _parsed = export(batch, users["finance"])
    again, second, _parsed = export(batch, users["admin"])
    assert (again, second) == (name, first)
    records = list(PesExport.objects.order_by("pk"))
    assert [r.created_by for r in records] == [users["finance"], users["admin"]]
    assert {r.sha256 for r in records} == {hashlib.sha256(first).hexdigest()}
    assert {(r.batch, r.size, r.file_name) for r in records} == {(batch, len(first), name)}


def test_the_pdf_travels_gzipped_in_base64_and_the_pjref_names_it(world, billing_year):
    batch = annual_batch(world, billing_year)
    _name, content, _parsed = export(batch)
    root = etree.fromstring(content)
    references = [e.get("V") for e in root.iterfind(".//BlocPiece/PJRef/IdUnique")]
    attachments = [e.get("V") for e in root.iterfind("PES_PJ/PJ/IdUnique")]
    assert references == attachments and len(set(attachments)) == 4
    assert all(re.fullmatch(r"[0-9A-Za-z]{1,50}", value) for value in attachments)
    fichier = root.find("PES_PJ/PJ/Contenu/Fichier")
    assert fichier.get("MIMEType") == "application/pdf"
    assert fichier.text.startswith("H4sI")  # a gzip stream, base64-encoded
    assert root.find("PES_PJ/PJ/TypePJ").get("V") == codes.TYPE_PJ_RECETTE
    # Only the root is qualified: the children are in no namespace (elementFormDefault).
    assert root.tag == f"{{{codes.NAMESPACE}}}PES_Aller"
    assert {child.tag for child in root} == {"Enveloppe", "EnTetePES", "PES_RecetteAller", "PES_PJ"}


def test_reductions_and_cancellations_name_the_lines_they_reduce(world, billing_year):
    annual = annual_batch(world, billing_year)
    blois = RevenueTitle.objects.get(batch=annual, tenant=world.tenant_a)
    lines = list(blois.lines.all())
    assert len(lines) >= 3
    mixed = mixed_batch(world, billing_year)
    reduction = correct(blois, TitreKind.REDUCTION, "1000.00")
    cancellation = correct(blois, TitreKind.CANCELLATION)
    # The mixed batch: its specific titre on an ordinary bordereau, the true-up's reductions on
    # a bordereau of corrections; bordereau numbers follow each other per type.
    _name, _content, parsed = export(mixed)
    check_against_titres(mixed, parsed)
    assert [(b.typ_bord, b.number) for b in parsed.flux.bordereaux] == [("01", 2), ("02", 1)]
    assert {p.kind for p in mixed.titres.all()} == {TitreKind.SPECIFIC, TitreKind.REDUCTION}
    numbers = []
    for batch in (reduction.batch, cancellation.batch):
        _name, _content, parsed = export(batch)
        check_against_titres(batch, parsed)
        numbers += [(b.typ_bord, b.number) for b in parsed.flux.bordereaux]
    assert numbers == [("02", 2), ("02", 3)]
    # Together, the corrections of Blois's titre take each of its lines down to zero, never
    # below: the true-up's set-up line, the reduction of 1 000 €, then the cancellation.
    reduced = dict.fromkeys(range(1, len(lines) + 1), Decimal("0.00"))
    for batch in (mixed, reduction.batch, cancellation.batch):
        for piece in export(batch)[2].flux.pieces:
            for line in piece.lines:
                if line.attachment and line.attachment.number == blois.number:
                    assert line.attachment.exercise == blois.exercise
                    reduced[line.attachment.line] += line.amount
    assert reduced == {line.position: line.amount for line in lines}
    first = by_number(export(reduction.batch)[2])[reduction.number]
    assert sum(line.amount for line in first.lines) == Decimal("1000.00")


def test_a_hostile_partner_name_is_escaped_and_transliterated(world, billing_year):
    hostile = PartnerFactory(
        consortium=world.consortium,
        name='Syndicat <Œuvre> & "Fils" d’€uro 中文',
        short_name="Œuvre",
        address='Maison <des> "Sociétés", 2, rue de l’Œil & du Pô',
        postal_code="41000",
        city="Blois-Œ",
    )
    partner_services.tenant_create(
        consortium=world.consortium,
        code="oeuvre",
        name="Tenant <Œ> & “guillemets” 中",
        opened_on=billing_year.tours.opened_on,
        payer=hostile,
    )
    batch = annual_batch(world, billing_year)
    _name, content, parsed = export(batch)
    text = content.decode("iso-8859-1")
    assert "Œ" not in text and "中" not in text and "&#" not in text  # nothing outside Latin-1
    titre = RevenueTitle.objects.get(batch=batch, debtor=hostile)
    piece = by_number(parsed)[titre.number]
    assert piece.debtor.name == ['SYNDICAT <OEUVRE> & "FILS" D\'EURURO', "ZHONGWEN"]
    assert piece.debtor.address == ['MAISON <DES> "SOCIETES"', "2 RUE DE L'OEIL & DU PO", ""]
    assert piece.debtor.city == "BLOIS-OE"
    assert 'Tenant <Oe> & "guillemets" Zhong' in piece.object
    assert "&lt;OEUVRE&gt; &amp; &quot;FILS&quot;" in text  # lxml escapes the markup
    assert (piece.debtor.category, piece.debtor.legal_nature) == ("23", "09")


def test_every_kind_of_partner_gets_an_allowed_category(world, billing_year):
    for kind in codes.TIERS_CATEGORY:
        category, nature = codes.TIERS_CATEGORY[kind]
        assert nature in codes.ALLOWED_TIERS_PAIRS[category]


def test_the_demo_batches_export(db):
    """Every batch of the demo: Ligeris's annual batch of 18 titres and its reduction of March,
    Cœur Côte Fleurie's two catalogue titres."""
    call_command("load_demo", stdout=io.StringIO())
    corrections = 0
    for batch in TitreBatch.objects.order_by("number"):
        _name, _content, parsed = export(batch)
        check_against_titres(batch, parsed)
        for piece in parsed.flux.pieces:
            attached = {line.attachment for line in piece.lines} - {None}
            corrections += bool(attached)
            assert all(a.number < piece.number for a in attached)
        if batch.number == 1 and batch.fiscal_year.consortium.short_name == "Ligeris":
            assert len(parsed.flux.pieces) == 18
    assert corrections >= 1


def test_the_export_is_refused_in_french_and_records_nothing(world, billing_year):
    batch = annual_batch(world, billing_year)
    settings_for(world, **dict.fromkeys(PES_CODES, ""))
    refused(batch, "Renseignez d'abord les codes PES dans les paramètres des titres")
    pes_settings(world)
    specific = specific_run(billing_year, {world.tenant_a: "450.00"})
    draft, _skipped = titres.drafts_from_run(run=specific, issue_date=ISSUE_DATE)
    refused(draft, "se produit une fois le bordereau émis")
    assert not PesExport.objects.exists()


def refused(batch, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        services.pes_export(batch=batch)
    assert message in " ".join(info.value.messages)
    assert not PesExport.objects.filter(batch=batch).exists()


def test_a_missing_pdf_or_a_negative_line_is_refused(world, billing_year):
    pes_settings(world)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    # A draft carrying a negative line, as a true-up that nets a new charge into a reduction.
    draft = batch.titres.get(tenant=world.tenant_a)
    TitreLine.objects.create(titre=draft, position=99, label="Net", base="-", amount=-10)
    RevenueTitle.objects.filter(pk=draft.pk).update(total=draft.total - 10)
    for titre in batch.titres.filter(below_threshold=True):
        titres.titre_decide_recovery(titre=titre, recover=True)
    batch = titres.batch_issue(batch=batch)  # the PDFs are not rendered yet
    with pytest.raises(ValidationError) as info:
        services.pes_export(batch=batch)
    said = info.value.messages
    assert sum("n'est pas encore produit" in m for m in said) == 4
    assert any("la ligne « Net » est de -10,00" in m for m in said)


#: Savepoint, settings, titres, their lines, their documents, two bordereau numbers, the
#: record and its audit entry (with its content type): 12, whatever the number of titres.
EXPORT_QUERIES = 12


def _queries(batch) -> list[str]:
    ContentType.objects.clear_cache()  # the audit entry looks its content type up once
    with CaptureQueriesContext(connection) as queries:
        services.pes_export(batch=batch)
    return [query["sql"] for query in queries]


def test_four_titres_take_a_fixed_number_of_queries(world, billing_year):
    assert len(_queries(annual_batch(world, billing_year))) == EXPORT_QUERIES


def test_twenty_titres_take_as_many_queries_as_four(world, billing_year):
    batch = issue(twenty_drafts(world, billing_year))
    pes_settings(world)
    assert len(_queries(batch)) == EXPORT_QUERIES


def test_a_correction_of_an_earlier_exercice_is_refused(world, billing_year):
    """A titre issued in December 2025 and reduced in January 2026: in recette, a reduction
    (02 02 06) attaches only to a titre of its own exercice; Hélios would reject the bordereau."""
    pes_settings(world)
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=datetime.date(2025, 12, 15))
    batch = issue(batch)
    export(batch)  # the titres of 2025 themselves are fine
    original = RevenueTitle.objects.get(batch=batch, tenant=world.tenant_a)
    assert original.exercise == 2025
    reduction = correct(original, TitreKind.REDUCTION, "10.00", datetime.date(2026, 1, 10))
    refused(reduction.batch, "ne se réduit plus par un titre de réduction mais par un mandat")
