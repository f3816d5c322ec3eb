"""Read a PES flux back into its records, and check what the schema cannot say.

The schema checks names, order and value types; Hélios also checks consistency: the count and
total of each bordereau, the triplets, the reduction's link to its original, the debtor's
category against its legal nature, each PJRef against a PJ (reference §§5, 8, 9, 10.3, 12, 14).
Every flux is read back here before it is offered, and the tests read it the same way.
"""

import base64
import datetime
import gzip
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from lxml import etree

from titres.pes import codes, schema
from titres.pes.records import Attachment, Bordereau, Debtor, Document, Flux, Header, Line, Piece

ROOT = f"{{{codes.NAMESPACE}}}PES_Aller"
ALLOWED_TRIPLETS = set(codes.TRIPLETS.values())


@dataclass
class Parsed:
    flux: Flux
    problems: list[str] = field(default_factory=list)


def _v(element, path: str, default: str = "") -> str:
    found = element.find(path)
    return found.get("V", default) if found is not None else default


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _documents(root, problems: list[str]) -> dict[str, Document]:
    documents: dict[str, Document] = {}
    for pj in root.iterfind("PES_PJ/PJ"):
        unique_id = _v(pj, "IdUnique")
        pdf = gzip.decompress(base64.b64decode(pj.findtext("Contenu/Fichier") or ""))
        if unique_id in documents:
            problems.append(_("PJ %(id)s en double.") % {"id": unique_id})
        documents[unique_id] = Document(
            unique_id=unique_id,
            file_name=_v(pj, "NomPJ"),
            description=_v(pj, "Description"),
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
        )
    return documents


def _debtor(tiers) -> Debtor:
    info, address = tiers.find("InfoTiers"), tiers.find("Adresse")
    return Debtor(
        siret=_v(info, "IdTiers"),
        category=_v(info, "CatTiers"),
        legal_nature=_v(info, "NatJur"),
        name=[value for value in (_v(info, "Nom"), _v(info, "ComplNom")) if value],
        address=[_v(address, "Adr1"), _v(address, "Adr2"), _v(address, "Adr3")],
        postal_code=_v(address, "CP"),
        city=_v(address, "Ville"),
    )


def _line(element) -> tuple[Line, Debtor, str, str]:
    info = element.find("BlocLignePiece/InfoLignePiece")
    attached = element.find("BlocLignePiece/RattachPiece")
    attachment = None
    if attached is not None:
        attachment = Attachment(
            exercise=int(_v(attached, "ExerRat")),
            number=int(_v(attached, "IdPceOrig")),
            line=int(_v(attached, "IdLigneOrig")),
        )
    line = Line(
        number=int(_v(info, "IdLigne")),
        label=_v(info, "ObjLignePce"),
        nature=_v(info, "Nature"),
        amount=Decimal(_v(info, "MtHT")),
        attachment=attachment,
    )
    return line, _debtor(element.find("Tiers")), _v(info, "CodProdLoc"), _v(info, "Fonction")


def _piece(element, bordereau, documents, problems, line_codes) -> Piece | None:
    block = element.find("BlocPiece")
    number, typ_pce, nat_pce = int(_v(block, "IdPce")), _v(block, "TypPce"), _v(block, "NatPce")
    exercise = int(_v(bordereau, "BlocBordereau/Exer"))
    typ_bord = _v(bordereau, "BlocBordereau/TypBord")
    who = {"number": number}
    if (typ_bord, typ_pce, nat_pce) not in ALLOWED_TRIPLETS:
        problems.append(_("Pièce %(number)s : triplet de pièce non admis.") % who)
    read = [_line(line) for line in element.iterfind("LigneDePiece")]
    lines, debtors = [r[0] for r in read], [r[1] for r in read]
    line_codes.update((r[2], r[3]) for r in read)
    attached = (typ_bord, typ_pce, nat_pce) in codes.ATTACHED_TRIPLETS
    for line in lines:
        if attached and line.attachment is None:
            problems.append(_("Pièce %(number)s : une ligne ne dit pas ce qu'elle réduit.") % who)
        if not attached and line.attachment is not None:
            problems.append(_("Pièce %(number)s : rattachement sans objet.") % who)
        if line.attachment is not None and line.attachment.exercise != exercise:
            problems.append(_("Pièce %(number)s : exercice de rattachement différent.") % who)
    for debtor in debtors:
        if debtor.legal_nature not in codes.ALLOWED_TIERS_PAIRS.get(debtor.category, set()):
            problems.append(_("Pièce %(number)s : catégorie et nature juridique du tiers.") % who)
    if len({(d.siret, tuple(d.name)) for d in debtors}) != 1:
        problems.append(_("Pièce %(number)s : un titre a un seul débiteur.") % who)
    reference = _v(block, "PJRef/IdUnique")
    document = documents.get(reference)
    if document is None:
        problems.append(_("Pièce %(number)s : sa PJ %(id)s manque.") % {**who, "id": reference})
        return None
    return Piece(
        reference=f"{exercise}-{number:05d}",
        exercise=exercise,
        number=number,
        kind="",
        typ_pce=typ_pce,
        nat_pce=nat_pce,
        object=_v(block, "ObjPce"),
        debtor=debtors[0],
        lines=lines,
        document=document,
    )


def read(content: bytes) -> Parsed:
    """The flux's records and the problems found; raises lxml's XMLSyntaxError if not XML."""
    root = etree.fromstring(content, parser=schema.parser())
    problems: list[str] = []
    if root.tag != ROOT:
        problems.append(_("La racine n'est pas PES_Aller."))
    documents = _documents(root, problems)
    bordereaux, seen, line_codes = [], set(), set()
    for element in root.iterfind("PES_RecetteAller/Bordereau"):
        pieces = [
            piece
            for piece in (
                _piece(p, element, documents, problems, line_codes)
                for p in element.iterfind("Piece")
            )
            if piece is not None
        ]
        block = element.find("BlocBordereau")
        bordereau = Bordereau(
            typ_bord=_v(block, "TypBord"),
            exercise=int(_v(block, "Exer")),
            number=int(_v(block, "IdBord")),
            issued_on=_date(_v(block, "DteBordEm")),
            pieces=pieces,
        )
        who = {"number": bordereau.number}
        if int(_v(block, "NbrPce")) != len(element.findall("Piece")):
            problems.append(_("Bordereau %(number)s : nombre de pièces erroné.") % who)
        if Decimal(_v(block, "MtBordHt")) != bordereau.total:
            problems.append(_("Bordereau %(number)s : montant différent de ses lignes.") % who)
        if (bordereau.typ_bord, bordereau.number) in seen:
            problems.append(_("Bordereau %(number)s en double.") % who)
        seen.add((bordereau.typ_bord, bordereau.number))
        bordereaux.append(bordereau)
    referenced = {piece.document.unique_id for b in bordereaux for piece in b.pieces}
    if set(documents) - referenced:
        problems.append(_("Une PJ n'est rattachée à aucune pièce."))
    numbers = [(p.exercise, p.number) for b in bordereaux for p in b.pieces]
    if len(numbers) != len(set(numbers)):
        problems.append(_("Une pièce figure deux fois."))
    if len(line_codes) > 1:
        problems.append(_("Les lignes n'ont pas toutes le même code produit et la même fonction."))
    product_code, function = next(iter(line_codes), ("", ""))
    header = root.find("EnTetePES")
    flux = Flux(
        header=Header(
            file_name=_v(root, "Enveloppe/Parametres/NomFic"),
            produced_on=_date(_v(header, "DteStr")),
            poste=_v(header, "IdPost"),
            poste_label=_v(header, "LibellePoste"),
            siret=_v(header, "IdColl"),
            collectivity_code=_v(header, "CodCol"),
            budget_code=_v(header, "CodBud"),
            budget_label=_v(header, "LibelleColBud"),
            product_code=product_code,
            function=function,
        ),
        bordereaux=bordereaux,
    )
    return Parsed(flux=flux, problems=problems)
