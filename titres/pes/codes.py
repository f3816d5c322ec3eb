"""The codes of the PES V2 recette flux this project writes (reference §§3–12, DGFiP DT v5.19)."""

from partners.models import PartnerKind
from titres.models import TitreKind

NAMESPACE = "http://www.minefi.gouv.fr/cp/helios/pes_v2/Rev0/aller"
ENCODING = "ISO-8859-1"  # what every Hélios sample and generator writes (reference §13)
TYP_FIC = "PESALR1"  # DT: "PESALR1 pour le PES_Aller" (field samples say PESALR2)
ENVELOPE_VERSION = "2"
RECETTE_VERSION = "2"
PJ_VERSION = "1"
SENDER = "LIGERIS"
SENDER_APPLICATION = "Ligeris titres de recette 1"

# Bordereau types: 01 ordinary titres, 02 cancellations and reductions.
BORD_ORDINARY = "01"
BORD_CORRECTION = "02"

#: (TypBord, TypPce, NatPce) of each kind of titre: 01 01 01 a titre ordinaire de fonctionnement,
#: 02 02 06 a titre correctif d'annulation-réduction (the triplet grid, reference §8).
TRIPLETS = {
    TitreKind.ANNUAL: (BORD_ORDINARY, "01", "01"),
    TitreKind.SPECIFIC: (BORD_ORDINARY, "01", "01"),
    TitreKind.ADDITIONAL: (BORD_ORDINARY, "01", "01"),
    TitreKind.REDUCTION: (BORD_CORRECTION, "02", "06"),
    TitreKind.CANCELLATION: (BORD_CORRECTION, "02", "06"),
}
#: The triplets whose lines must name the piece they reduce (RattachPiece).
ATTACHED_TRIPLETS = {(BORD_CORRECTION, "02", "06")}
NAT_PCE_ORIG_TITRE = "01"

#: CatTiers and NatJur of each kind of partner. The 20–29 categories read the same in both DGFiP
#: lists (reference §10.2); every pair is in the CatTiers × NatJur grid (§10.3): 09 collectivité
#: territoriale, EPL, EPS. A partner of another kind is taken as a groupement de collectivités.
TIERS_CATEGORY = {
    PartnerKind.REGION: ("21", "09"),
    PartnerKind.DEPARTEMENT: ("22", "09"),
    PartnerKind.COMMUNE: ("23", "09"),
    PartnerKind.METROPOLE: ("24", "09"),
    PartnerKind.COMMUNAUTE_AGGLOMERATION: ("24", "09"),
    PartnerKind.CCAS: ("26", "09"),
    PartnerKind.CIAS: ("26", "09"),
    PartnerKind.OTHER: ("24", "09"),
}
ALLOWED_TIERS_PAIRS = {
    "01": {"01", "02"},
    "20": {"07", "08"},
    **{category: {"09"} for category in ("21", "22", "23", "24", "25", "26", "27")},
    "28": {"08"},
    "29": {"10"},
    "50": {"03", "06"},
}
NAT_ID_SIRET = "01"
TYP_TIERS_MAIN_DEBTOR = "01"
TYP_ADR_MAIN = "1"
RESIDENT = "0"
SUPPORT_ELECTRONIC = "01"
TYPE_PJ_RECETTE = "002"
PDF_MIME = "application/pdf"
