"""The data of the Typst titre (`titres/typst/titre.typ`): every text of the PDF, as JSON.

Built from the titre's frozen snapshot, its lines and its total only; money, dates, SIRET and
IBAN formatted here, the wording from gettext. Called under `translation.override("fr")`: a
titre is a legal document of the coordinator, always in French.
"""

import datetime
import functools
import re
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext

from ligeris.lib import french
from titres.models import RevenueTitle, TitreKind
from titres.money import amount_in_words, format_euros


@functools.lru_cache(maxsize=512)
def _(message: str) -> str:
    """gettext in French, looked up once per message and process: a titre is always French,
    and its ~40 fixed strings looked up for each titre cost about 1 ms a titre."""
    with translation.override("fr"):
        return gettext(message)


@functools.lru_cache(maxsize=32)
def kind_label(kind: str) -> str:
    """« Titre annuel (terme à échoir) »: `get_kind_display()` costs 0.2 ms a call."""
    with translation.override("fr"):
        return str(TitreKind(kind).label)


def heading(titre: RevenueTitle) -> str:
    """The drafter's heading (a catalogue's « Titre annuel (terme échu) ») or the kind's."""
    return (titre.snapshot or {}).get("wording", {}).get("heading") or kind_label(titre.kind)


@functools.lru_cache(maxsize=64)
def _signed_on(day: datetime.date) -> str:
    return french.short_long_date(day)


def _grouped(value: str, sizes: tuple[int, ...]) -> str:
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


def _day(value: datetime.date | str | None) -> str:
    """20/01/2026, from a date or its ISO form in the snapshot."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y")


#: The logo's box in the issuer block (mm): it keeps its proportions inside.
LOGO_BOX = (50, 16)
_SHA256 = re.compile(r"[0-9a-f]{64}")


def logo_file(logo: dict) -> str:
    """The logo's file name in Typst's root, made by us from its hash and format alone."""
    if not _SHA256.fullmatch(logo.get("sha256", "")) or logo.get("format") not in ("png", "jpeg"):
        raise ValueError("a titre's logo is named by its SHA-256 and its format")
    return f"{logo['sha256']}.{logo['format']}"


def _logo(logo: dict | None) -> dict | None:
    """Where the template finds the frozen logo, and its size in mm (fitted in LOGO_BOX)."""
    if not logo:
        return None
    scale = min(LOGO_BOX[0] / logo["width"], LOGO_BOX[1] / logo["height"])
    return {
        "path": "/" + logo_file(logo),
        "width": round(logo["width"] * scale, 2),
        "height": round(logo["height"] * scale, 2),
    }


def pdf_title(titre: RevenueTitle) -> str:
    """The PDF's title: « Titre annuel (terme à échoir) n° 2026-00042 — Agglopolys »."""
    debtor = (titre.snapshot or {}).get("debtor") or {}
    return f"{heading(titre)} n° {titre.reference} — {debtor.get('name', '')}"


def labels() -> dict:
    """The fixed wording of every titre."""
    return {
        "page": _("Page"),
        "ordonnateur": _("Ordonnateur :"),
        "information": _("Renseignements :"),
        "debtor": _("Débiteur"),
        "ids": [
            _("Exercice"),
            _("Titre n°"),
            _("Bordereau n°"),
            _("Date d'émission"),
            _("Imputation budgétaire"),
        ],
        "lines": [_("Désignation"), _("Base de liquidation"), _("Montant")],
        "payment": _("Modalités de paiement"),
        "payment_note": _(
            "Règlement par virement (mandat administratif) au compte du comptable public "
            "assignataire, seul habilité à recevoir le paiement, en rappelant la référence du "
            "titre."
        ),
        "signature": _("L'ordonnateur,"),
        "remedies": _("Voies et délais de recours"),
    }


def _legal_basis(snapshot: dict) -> str:
    if basis := (snapshot.get("wording") or {}).get("basis"):
        return basis  # the drafter's (a voted catalogue), frozen at issue
    legal = snapshot.get("legal") or {}
    signed_on = _day(legal.get("convention_signed_on"))
    return _(
        "%(convention)s%(signed_on)s, article %(article)s (ressources et modalités financières), "
        "approuvée par %(deliberation)s ; grille tarifaire de contribution (annexe 1) de "
        "l'exercice %(year)s."
    ) % {
        "convention": legal.get("convention", ""),
        "signed_on": _(" du %(date)s") % {"date": signed_on} if signed_on else "",
        "article": legal.get("article", ""),
        "deliberation": legal.get("deliberation", ""),
        "year": legal.get("grid_year", ""),
    }


def _correction_text(titre: RevenueTitle, original: dict, total: str) -> list[dict]:
    """What a correction does, as runs of text (the refund in bold): it calls for no payment."""
    snapshot = titre.snapshot or {}
    cancels = titre.kind == TitreKind.CANCELLATION
    what = _("annule") if cancels else _("réduit de %(total)s") % {"total": total}
    runs = [
        _(
            "Le présent titre %(what)s la somme due au titre de recette n° %(reference)s. "
            "Il n'appelle aucun paiement."
        )
        % {"what": what, "reference": original.get("reference", "")}
    ]
    settlement = snapshot.get("settlement")
    if not settlement:
        runs.append(
            _(" Le comptable public en tient compte dans le recouvrement de ce titre")
            + ("" if cancels else _(", dont le reste demeure dû"))
            + "."
        )
        return [{"text": text, "bold": False} for text in runs]
    money = {name: format_euros(Decimal(settlement[name])) for name in settlement}
    if Decimal(settlement["refund"]) > 0:
        return [
            {"text": runs[0] + " ", "bold": False},
            {
                "text": _(
                    "Le débiteur ayant déjà versé %(paid)s au titre de ce titre, la somme due "
                    "est ramenée à %(net_after)s : "
                )
                % money,
                "bold": False,
            },
            {
                "text": _("le trop-perçu de %(refund)s lui sera remboursé par mandat") % money,
                "bold": True,
            },
            {
                "text": _(" du comptable public, %(accountant)s.")
                % {"accountant": (snapshot.get("payment") or {}).get("accountant", "")},
                "bold": False,
            },
        ]
    if Decimal(settlement["still_due"]) > 0:
        runs.append(
            _(
                " Le comptable public en tient compte dans le recouvrement de ce titre, dont le "
                "reste, %(still_due)s, demeure dû."
            )
            % money
        )
    else:
        runs.append(
            _(
                " Le comptable public en tient compte dans le recouvrement de ce titre : plus "
                "rien n'est dû à ce titre."
            )
        )
    return [{"text": text, "bold": False} for text in runs]


def designated_court(court: dict) -> str:
    # Titres issued before the setting existed printed Ligeris's article 12: a re-render keeps it.
    article = court.get("article", "12")
    if not article:
        return _("juridiction désignée par la convention")
    return _("juridiction désignée par l'article %(article)s de la convention") % {
        "article": article
    }


def titre_data(titre: RevenueTitle) -> dict:
    """Every text of one titre, formatted."""
    s = titre.snapshot or {}
    issuer, debtor = s.get("issuer") or {}, s.get("debtor") or {}
    signatory, payment = s.get("signatory") or {}, s.get("payment") or {}
    imputation, court = s.get("imputation") or {}, s.get("court") or {}
    original, wording = s.get("original") or {}, s.get("wording") or {}
    is_correction = titre.kind in (TitreKind.REDUCTION, TitreKind.CANCELLATION)
    kind = heading(titre)
    total = format_euros(titre.total)
    block = [{"label": _("Objet :"), "text": titre.object}]
    totals = []
    if is_correction:
        initial = format_euros(Decimal(original["total"])) if original.get("total") else ""
        block += [
            {
                "label": _("Titre corrigé :"),
                "text": _("titre de recette n° %(reference)s du %(date)s")
                % {
                    "reference": original.get("reference", ""),
                    "date": _day(original.get("issued_on")),
                }
                + (_(", d'un montant initial de %(total)s") % {"total": initial} if initial else "")
                + ".",
            },
            {"label": _("Motif :"), "text": titre.reason},
        ]
        cancels = titre.kind == TitreKind.CANCELLATION
        totals.append([_("Montant annulé") if cancels else _("Montant de la réduction"), total])
        settlement = s.get("settlement")
        if settlement and Decimal(settlement["refund"]) > 0:
            totals.append(
                [
                    _("Trop-perçu à rembourser au débiteur (par mandat)"),
                    format_euros(Decimal(settlement["refund"])),
                ]
            )
    else:
        totals.append([_("Total à payer"), total])
    block.append({"label": _("Fondement :"), "text": _legal_basis(s)})
    signed_on = _signed_on(titre.issued_on) if titre.issued_on else ""
    return {
        "pk": titre.pk,
        "footer": _("%(kind)s n° %(reference)s — exercice %(year)s — bordereau n° %(batch)s")
        % {
            "kind": kind,
            "reference": titre.reference,
            "year": titre.exercise,
            "batch": s.get("batch_number", ""),
        },
        "issuer": {
            "logo": _logo(s.get("logo")),
            "name": issuer.get("name", ""),
            "address": [
                issuer.get("address", ""),
                f"{issuer.get('postal_code', '')} {issuer.get('city', '')}",
            ],
            "siret": _("SIRET %(siret)s") % {"siret": siret_display(issuer.get("siret", ""))},
            "role": _("Coordonnateur du groupement %(name)s")
            % {"name": (s.get("consortium") or {}).get("short_name", "")},
            "ordonnateur": signatory.get("role", ""),
            "email": issuer.get("email", "") or "",
        },
        "doc": {
            "name": kind if is_correction else _("Titre de recette"),
            "sub": (
                [_("du titre n° %(reference)s") % {"reference": original.get("reference", "")}]
                if is_correction
                else [kind, _("Avis des sommes à payer")]
            ),
            "number": _("N° %(reference)s") % {"reference": titre.reference},
        },
        "debtor": {
            "name": debtor.get("name", ""),
            "address": debtor.get("address", ""),
            "city": f"{debtor.get('postal_code', '')} {debtor.get('city', '').upper()}",
            "siret": _("SIRET %(siret)s") % {"siret": siret_display(debtor.get("siret", ""))},
        },
        "ids": {
            "exercise": str(titre.exercise),
            "reference": titre.reference,
            "batch": str(s.get("batch_number", "")),
            "issued_on": _day(titre.issued_on),
            "imputation": _("Chapitre %(chapter)s — article %(article)s")
            % {"chapter": imputation.get("chapter", ""), "article": imputation.get("article", "")},
            "imputation_label": imputation.get("label", ""),
        },
        "block": block,
        "lines": [[line.label, line.base, format_euros(line.amount)] for line in titre.lines.all()],
        "totals": totals,
        "words": {
            "prefix": _("Arrêté le présent titre à la somme de :"),
            "amount": amount_in_words(titre.total),
        },
        "payment": None
        if is_correction
        else {
            "rows": [
                [
                    _("Somme à payer"),
                    total,
                    _("Comptable public"),
                    [payment.get("accountant", ""), payment.get("accountant_address", "")],
                ],
                [
                    _("Date limite de paiement"),
                    _day(titre.due_on),
                    _("IBAN"),
                    [iban_display(payment.get("iban", ""))],
                ],
                [_("Référence à rappeler"), titre.reference, _("BIC"), [payment.get("bic", "")]],
            ]
        },
        "correction": _correction_text(titre, original, total) if is_correction else None,
        "formula": ""
        if is_correction
        else wording.get("executory")
        or _(
            "Le présent titre de recette est exécutoire en application de l'article L. 252 A du "
            "livre des procédures fiscales ; il est émis et rendu exécutoire par l'ordonnateur "
            "conformément à l'article L. 1617-5 du code général des collectivités territoriales."
        ),
        "signature": {
            "place_date": _("Fait à %(city)s, le %(date)s")
            % {"city": issuer.get("city", ""), "date": signed_on},
            "role": signatory.get("role", ""),
            "signatory": f"{signatory.get('first_names', '')} "
            f"{signatory.get('last_name', '').upper()}",
        },
        "remedies": wording.get("remedies")
        or _(
            "Dans un délai de deux mois suivant la réception du présent titre, le débiteur peut "
            "contester la somme mentionnée en saisissant directement le %(court)s, %(address)s, "
            "%(designated)s (article L. 1617-5, 2° du code général des collectivités "
            "territoriales). Les personnes publiques saisissent le tribunal par l'application "
            "Télérecours (www.telerecours.fr) ; les autres requérants peuvent utiliser "
            "Télérecours citoyens."
        )
        % {
            "court": court.get("name", ""),
            "address": court.get("address", ""),
            "designated": designated_court(court),
        },
    }
