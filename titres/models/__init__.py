"""Fiscal years, titres de recette and what follows them: batches, numbering, documents,
e-mails, payments, refunds, carry-overs, PES exports and the consortium's titre settings.

The tables keep their `billing_` names (the PostgreSQL triggers of billing's migrations are bound
to them); the runs and shares a titre refers to stay in `billing`, named by string.
"""

from titres.models.balances import TitreBalance
from titres.models.documents import Payment, TitreBatchChunk, TitreDocument, TitreEmail
from titres.models.pes import PesExport
from titres.models.settlements import Carryover, PaymentReversal, Refund
from titres.models.titre_settings import TitreLogo, TitreSettings
from titres.models.titres import (
    CHARGING_KINDS,
    CORRECTING_KINDS,
    BatchState,
    RevenueTitle,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreSequence,
    TitreState,
)
from titres.models.years import FiscalYear

__all__ = [
    "CHARGING_KINDS",
    "CORRECTING_KINDS",
    "BatchState",
    "Carryover",
    "FiscalYear",
    "Payment",
    "PaymentReversal",
    "PesExport",
    "Refund",
    "RevenueTitle",
    "TitreBalance",
    "TitreBatch",
    "TitreBatchChunk",
    "TitreDocument",
    "TitreEmail",
    "TitreKind",
    "TitreLine",
    "TitreLogo",
    "TitreSequence",
    "TitreSettings",
    "TitreState",
]
