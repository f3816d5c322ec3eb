"""Read an issued batch into the records of its PES flux, from the titres as they were issued.

Every mention comes from the titre's frozen row and snapshot (debtor, imputation) and its stored
PDF, never from the live partner; the coordinator's PES codes come from the titre settings.
Whatever Hélios would refuse is refused here, in French, before any XML is written.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import PartnerKind
from titres.models import (
    CHARGING_KINDS,
    CORRECTING_KINDS,
    BatchState,
    RevenueTitle,
    TitreBatch,
    TitreDocument,
    TitreSettings,
    TitreState,
)
from titres.money import ZERO, format_euros
from titres.pes import codes
from titres.pes.corrections import CorrectionLine, OriginalLine, Overreduced, allocate
from titres.pes.records import Attachment, Bordereau, Debtor, Document, Flux, Header, Line, Piece
from titres.pes.text import free_text, latin1, postal_lines

_NUMBER_ALONE = re.compile(r"^\d+\s*(bis|ter|quater)?$", re.IGNORECASE)


def _issued(titres):
    return titres.filter(state=TitreState.ISSUED)


def bordereau_numbers(batch: TitreBatch) -> dict[str, int]:
    """The IdBord of the batch's PES bordereaux, per type: Hélios checks that they follow each
    other per exercice and type, so each is the batch's rank among the year's issued batches
    carrying titres of that type (numbers of batches run over both types)."""
    earlier = TitreBatch.objects.filter(
        fiscal_year__consortium_id=batch.fiscal_year.consortium_id,
        state=BatchState.ISSUED,
        issue_date__year=batch.issue_date.year,
        number__lte=batch.number,
    )
    kinds = {codes.BORD_ORDINARY: CHARGING_KINDS, codes.BORD_CORRECTION: CORRECTING_KINDS}
    return {
        typ_bord: earlier.filter(titres__state=TitreState.ISSUED, titres__kind__in=kinds_)
        .distinct()
        .count()
        for typ_bord, kinds_ in kinds.items()
    }


def file_name(batch: TitreBatch, siret: str) -> str:
    """PESALR1_<SIRET>_<yymmdd>_<hhmm>.xml, as the Hélios samples are named (reference §13),
    from the batch's issue date and the minute it was issued: the same name every time."""
    issued_at = timezone.localtime(batch.issued_at)
    return f"{codes.TYP_FIC}_{siret}_{batch.issue_date:%y%m%d}_{issued_at:%H%M}.xml"


def _address(text: str) -> list[str]:
    """Adr1 (complement), Adr2 (number and street), Adr3 (the street's overflow): the street is
    the last comma-separated part ("Hôtel du Département, place de la Préfecture")."""
    parts: list[str] = []
    for part in (p.strip() for p in latin1(text).split(",")):
        if not part:
            continue
        if parts and _NUMBER_ALONE.match(parts[-1]):  # "2, rue Nationale"
            parts[-1] = f"{parts[-1]} {part}"
        else:
            parts.append(part)
    street = postal_lines(parts[-1] if parts else "", 38, 2)
    complement = postal_lines(", ".join(parts[:-1]), 38, 1)
    return [
        complement[0] if complement else "",
        street[0] if street else "",
        street[1] if len(street) > 1 else "",
    ]


def _debtor(titre: RevenueTitle, errors: list[str]) -> Debtor:
    party = titre.snapshot.get("debtor") or {}
    siret, postal_code = party.get("siret", ""), party.get("postal_code", "")
    # Titres issued before the snapshot kept the partner's kind are read as a groupement.
    category, legal_nature = codes.TIERS_CATEGORY.get(
        party.get("kind"), codes.TIERS_CATEGORY[PartnerKind.OTHER]
    )
    debtor = Debtor(
        siret=siret,
        category=category,
        legal_nature=legal_nature,
        name=postal_lines(party.get("name", ""), 38, 2),
        address=_address(party.get("address", "")),
        postal_code=postal_code,
        city=(postal_lines(party.get("city", ""), 38, 1) or [""])[0],
    )
    who = {"reference": titre.reference}
    if not (len(siret) == 14 and siret.isascii() and siret.isdigit()):
        errors.append(_("Titre n° %(reference)s : le SIRET du débiteur manque.") % who)
    if not re.fullmatch(r"[0-9]{5}", postal_code):
        errors.append(
            _("Titre n° %(reference)s : le code postal du débiteur n'a pas 5 chiffres.") % who
        )
    if not debtor.name or not debtor.address[1] or not debtor.city:
        errors.append(
            _("Titre n° %(reference)s : le nom, l'adresse ou la commune du débiteur manque.") % who
        )
    return debtor


def _nature(titre: RevenueTitle, errors: list[str]) -> str:
    article = str((titre.snapshot.get("imputation") or {}).get("article", ""))
    if not re.fullmatch(r"(?!0+$)[0-9]{1,12}", article):
        errors.append(
            _(
                "Titre n° %(reference)s : imputé sur « %(article)s », alors que le PES demande "
                "un compte de nature en chiffres."
            )
            % {"reference": titre.reference, "article": article}
        )
    return article


def _allocations(corrections: list[RevenueTitle], errors: list[str]) -> dict:
    """Correction line id → [(original line position, amount)], for the batch's corrections."""
    issued_corrections = Prefetch(
        "corrections",
        queryset=_issued(RevenueTitle.objects.all())
        .order_by("exercise", "number")
        .prefetch_related("lines"),
        to_attr="issued_corrections",
    )
    originals = RevenueTitle.objects.filter(
        pk__in={titre.original_id for titre in corrections}
    ).prefetch_related("lines", issued_corrections)
    result: dict = {}
    for original in originals:
        lines = list(original.lines.all())
        try:
            result |= allocate(
                [OriginalLine(ln.pk, ln.position, ln.label, ln.amount) for ln in lines],
                [
                    [
                        # A line that names the original line it reduces keeps it.
                        CorrectionLine(
                            ln.pk, ln.label, ln.amount, getattr(ln, "original_line_id", None)
                        )
                        for ln in correction.lines.all()
                    ]
                    for correction in original.issued_corrections
                ],
            )
        except Overreduced as error:
            errors.append(
                _(
                    "Une correction du titre n° %(reference)s le réduit de %(amount)s au-delà de "
                    "ce qui restait de ses lignes."
                )
                % {"reference": original.reference, "amount": format_euros(error.left)}
            )
    return result


def _lines(titre, nature, allocations, errors) -> list[Line]:
    lines: list[Line] = []
    original = titre.original
    for line in titre.lines.all():
        if line.amount <= ZERO:
            errors.append(
                _(
                    "Titre n° %(reference)s : la ligne « %(label)s » est de %(amount)s ; le PES "
                    "n'admet que des montants positifs (une réduction se fait par un titre de "
                    "réduction, une charge par un titre de paiement)."
                )
                % {
                    "reference": titre.reference,
                    "label": line.label,
                    "amount": format_euros(line.amount),
                }
            )
            continue
        label = free_text(line.label, 160)
        if original is None:
            lines.append(Line(len(lines) + 1, label, nature, line.amount))
            continue
        for position, amount in allocations.get(line.pk, []):
            attachment = Attachment(original.exercise, original.number, position)
            lines.append(Line(len(lines) + 1, label, nature, amount, attachment))
    return lines


def _document(titre: RevenueTitle, document: TitreDocument | None, errors) -> Document | None:
    if document is None:
        errors.append(
            _(
                "Le PDF du titre n° %(reference)s n'est pas encore produit : attendez la fin de "
                "la production du bordereau."
            )
            % {"reference": titre.reference}
        )
        return None
    if titre.original_id:
        description = _("%(kind)s n° %(reference)s du titre n° %(original)s") % {
            "kind": titre.get_kind_display(),
            "reference": titre.reference,
            "original": titre.original.reference,
        }
    else:
        description = _("Titre de recette n° %(reference)s") % {"reference": titre.reference}
    return Document(
        # Letters and digits only (Base_Alphanum50), unique per titre and document.
        unique_id=f"PJ{titre.exercise}{titre.number:08d}{document.sha256[:8].upper()}",
        file_name=f"titre-{titre.reference}.pdf",
        description=free_text(description, 250),
        pdf=bytes(document.pdf),
        sha256=document.sha256,
    )


def _check_correction(titre: RevenueTitle, errors: list[str]) -> None:
    original = titre.original
    if original.exercise != titre.exercise:
        errors.append(
            _(
                "Le titre n° %(reference)s corrige le titre n° %(original)s d'un exercice "
                "antérieur : en PES, un titre de l'exercice %(year)s ne se réduit plus par un "
                "titre de réduction mais par un mandat (compte 673)."
            )
            % {
                "reference": titre.reference,
                "original": original.reference,
                "year": original.exercise,
            }
        )


def flux_of_batch(batch: TitreBatch) -> Flux:
    """The PES flux of an issued batch; a ValidationError lists everything Hélios would refuse."""
    settings = TitreSettings.objects.filter(consortium_id=batch.fiscal_year.consortium_id).first()
    if batch.state != BatchState.ISSUED:
        raise ValidationError(
            _("Le flux PES d'un bordereau se produit une fois le bordereau émis.")
        )
    if settings is None or not settings.pes_ready:
        raise ValidationError(
            _(
                "Renseignez d'abord les codes PES dans les paramètres des titres : poste "
                "comptable, SIRET du budget, code collectivité, code budget, code produit local."
            )
        )
    titres = list(
        _issued(batch.titres.all())
        .select_related("original")
        .prefetch_related("lines")
        .order_by("exercise", "number")
    )
    if not titres:
        raise ValidationError(_("Aucun titre émis dans ce bordereau."))
    errors: list[str] = []
    documents = {doc.titre_id: doc for doc in TitreDocument.objects.filter(titre__in=titres)}
    corrections = [titre for titre in titres if titre.original_id]
    for titre in corrections:
        _check_correction(titre, errors)
    allocations = _allocations(corrections, errors) if corrections else {}
    pieces: dict[str, list[Piece]] = {codes.BORD_ORDINARY: [], codes.BORD_CORRECTION: []}
    for titre in titres:
        typ_bord, typ_pce, nat_pce = codes.TRIPLETS[titre.kind]
        debtor = _debtor(titre, errors)
        lines = _lines(titre, _nature(titre, errors), allocations, errors)
        document = _document(titre, documents.get(titre.pk), errors)
        if lines and document is not None:
            pieces[typ_bord].append(
                Piece(
                    reference=titre.reference,
                    exercise=titre.exercise,
                    number=titre.number,
                    kind=titre.kind,
                    typ_pce=typ_pce,
                    nat_pce=nat_pce,
                    object=free_text(titre.object, 160),
                    debtor=debtor,
                    lines=lines,
                    document=document,
                )
            )
    if errors:
        raise ValidationError(errors)
    numbers = bordereau_numbers(batch)
    header = Header(
        file_name=file_name(batch, settings.pes_siret),
        produced_on=batch.issue_date,
        poste=settings.pes_poste,
        poste_label=free_text(settings.accountant_name, 38),
        siret=settings.pes_siret,
        collectivity_code=settings.pes_collectivity_code,
        budget_code=settings.pes_budget_code,
        budget_label=free_text(settings.pes_budget_label, 38),
        product_code=settings.pes_product_code,
        function=settings.pes_function,
    )
    bordereaux = [
        Bordereau(
            typ_bord=typ_bord,
            exercise=batch.issue_date.year,
            number=numbers[typ_bord],
            issued_on=batch.issue_date,
            pieces=typ_pieces,
        )
        for typ_bord, typ_pieces in pieces.items()
        if typ_pieces
    ]
    return Flux(header=header, bordereaux=bordereaux)
