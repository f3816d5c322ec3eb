"""Write the records of a flux as a PES_Aller document (lxml), in ISO-8859-1.

Every data item is an empty element carrying its value in `V`; blocks follow the order of the
schema's sequences (reference §2). Only the root is in the aller namespace: its descendants are
unqualified. Nothing here depends on the clock: the same records give the same bytes.
"""

import base64
import gzip
from decimal import Decimal

from lxml import etree

from titres.pes import codes
from titres.pes.records import Bordereau, Debtor, Document, Flux, Header, Line, Piece


def _v(parent: etree._Element, tag: str, value) -> None:
    """A data item, `<tag V="value"/>`; nothing when the (optional) value is empty."""
    if value is None or value == "":
        return
    etree.SubElement(parent, tag, V=str(value))


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"  # a dot, two decimals, no separator: xs:decimal


def _envelope(root, header: Header) -> None:
    envelope = etree.SubElement(root, "Enveloppe")
    parameters = etree.SubElement(envelope, "Parametres")
    _v(parameters, "Version", codes.ENVELOPE_VERSION)
    _v(parameters, "TypFic", codes.TYP_FIC)
    _v(parameters, "NomFic", header.file_name)
    sender = etree.SubElement(envelope, "Emetteur")
    _v(sender, "Sigle", codes.SENDER)
    _v(sender, "Adresse", codes.SENDER_APPLICATION)


def _header(root, header: Header) -> None:
    block = etree.SubElement(root, "EnTetePES")
    _v(block, "DteStr", header.produced_on.isoformat())
    _v(block, "IdPost", header.poste)
    _v(block, "LibellePoste", header.poste_label)
    _v(block, "IdColl", header.siret)
    _v(block, "CodCol", header.collectivity_code)
    _v(block, "CodBud", header.budget_code)
    _v(block, "LibelleColBud", header.budget_label)


def _tiers(parent, debtor: Debtor) -> None:
    tiers = etree.SubElement(parent, "Tiers")
    info = etree.SubElement(tiers, "InfoTiers")
    _v(info, "IdTiers", debtor.siret)
    _v(info, "NatIdTiers", codes.NAT_ID_SIRET)
    _v(info, "CatTiers", debtor.category)
    _v(info, "NatJur", debtor.legal_nature)
    _v(info, "TypTiers", codes.TYP_TIERS_MAIN_DEBTOR)
    _v(info, "Nom", debtor.name[0])
    _v(info, "ComplNom", debtor.name[1] if len(debtor.name) > 1 else "")
    address = etree.SubElement(tiers, "Adresse")
    _v(address, "TypAdr", codes.TYP_ADR_MAIN)
    _v(address, "Adr1", debtor.address[0])
    _v(address, "Adr2", debtor.address[1])
    _v(address, "Adr3", debtor.address[2])
    _v(address, "CP", debtor.postal_code)
    _v(address, "Ville", debtor.city)
    _v(address, "CodRes", codes.RESIDENT)


def _line(parent, line: Line, piece: Piece, header: Header) -> None:
    block = etree.SubElement(etree.SubElement(parent, "LigneDePiece"), "BlocLignePiece")
    info = etree.SubElement(block, "InfoLignePiece")
    _v(info, "IdLigne", line.number)
    _v(info, "ObjLignePce", line.label)
    _v(info, "CodProdLoc", header.product_code)
    _v(info, "Nature", line.nature)
    _v(info, "Fonction", header.function)
    _v(info, "Majo", "0")
    _v(info, "TvaIntraCom", "0")
    _v(info, "MtHT", _amount(line.amount))  # no VAT: the amount is the whole amount
    if line.attachment is not None:
        attached = etree.SubElement(block, "RattachPiece")
        _v(attached, "NatPceOrig", codes.NAT_PCE_ORIG_TITRE)
        _v(attached, "ExerRat", line.attachment.exercise)
        _v(attached, "IdPceOrig", line.attachment.number)
        _v(attached, "IdLigneOrig", line.attachment.line)
    _tiers(block.getparent(), piece.debtor)


def _piece(parent, piece: Piece, header: Header) -> None:
    element = etree.SubElement(parent, "Piece")
    block = etree.SubElement(element, "BlocPiece")  # recette: the fields sit here, no InfoPce
    _v(block, "IdPce", piece.number)
    _v(block, "TypPce", piece.typ_pce)
    _v(block, "NatPce", piece.nat_pce)
    _v(block, "ObjPce", piece.object)
    reference = etree.SubElement(block, "PJRef")
    _v(reference, "Support", codes.SUPPORT_ELECTRONIC)
    _v(reference, "IdUnique", piece.document.unique_id)
    _v(reference, "NomPJ", piece.document.file_name)
    for line in piece.lines:
        _line(element, line, piece, header)


def _bordereau(parent, bordereau: Bordereau, header: Header) -> None:
    element = etree.SubElement(parent, "Bordereau")
    block = etree.SubElement(element, "BlocBordereau")
    _v(block, "Exer", bordereau.exercise)
    _v(block, "IdBord", bordereau.number)
    _v(block, "DteBordEm", bordereau.issued_on.isoformat())
    _v(block, "TypBord", bordereau.typ_bord)
    _v(block, "NbrPce", len(bordereau.pieces))
    _v(block, "MtBordHt", _amount(bordereau.total))
    for piece in bordereau.pieces:
        _piece(element, piece, header)


def pj_content(pdf: bytes) -> str:
    """The document gzipped (no file name, time zero: the same bytes every time), in base64."""
    return base64.b64encode(gzip.compress(pdf, compresslevel=9, mtime=0)).decode("ascii")


def _attachment(parent, document: Document) -> None:
    element = etree.SubElement(parent, "PJ")
    content = etree.SubElement(element, "Contenu")
    etree.SubElement(content, "Fichier", MIMEType=codes.PDF_MIME).text = pj_content(document.pdf)
    _v(element, "IdUnique", document.unique_id)
    _v(element, "NomPJ", document.file_name)
    _v(element, "TypePJ", codes.TYPE_PJ_RECETTE)
    _v(element, "Description", document.description)


def build(flux: Flux) -> bytes:
    """The PES_Aller document of the flux, ISO-8859-1, its declaration in double quotes."""
    root = etree.Element(f"{{{codes.NAMESPACE}}}PES_Aller", nsmap={"n": codes.NAMESPACE})
    _envelope(root, flux.header)
    _header(root, flux.header)
    recette = etree.SubElement(root, "PES_RecetteAller")
    header = etree.SubElement(recette, "EnTeteRecette")
    _v(header, "IdVer", codes.RECETTE_VERSION)
    _v(header, "InfoDematerialisee", "0")  # not signed: the PDFs travel as PJ all the same
    for bordereau in flux.bordereaux:
        _bordereau(recette, bordereau, flux.header)
    attachments = etree.SubElement(root, "PES_PJ")
    _v(etree.SubElement(attachments, "EnTetePES_PJ"), "IdVer", codes.PJ_VERSION)
    for piece in flux.pieces:
        _attachment(attachments, piece.document)
    declaration = f'<?xml version="1.0" encoding="{codes.ENCODING}"?>\n'.encode("ascii")
    body = etree.tostring(root, encoding=codes.ENCODING, xml_declaration=False, pretty_print=True)
    return declaration + body
