"""Fiscal years, tariff grids, cost pools, expenses, storage volumes and allocation snapshots.

Money is a Decimal to the cent (max 13 digits). Runs and their shares are written once by the
allocation service and never changed: running again makes a new version.
"""

from billing.models.costs import (
    AllocationKey,
    CostPool,
    Expense,
    PoolCategory,
    RunKind,
    SpreadOn,
    StaffTime,
)
from billing.models.documents import Payment, TitreBatchChunk, TitreDocument, TitreEmail
from billing.models.grids import FiscalYear, TariffGrid, TariffLine, TariffLineKind
from billing.models.orders import (
    ChargeOn,
    OrderingPeriod,
    OrderNotice,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
)
from billing.models.pes import PesExport
from billing.models.recap_exports import RecapExport
from billing.models.runs import AllocationRun, Share
from billing.models.settlements import Carryover, PaymentReversal, Refund
from billing.models.titre_settings import TitreLogo, TitreSettings
from billing.models.titres import (
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
from billing.models.volumes import StorageVolume, VolumeImport

__all__ = [
    "CHARGING_KINDS",
    "CORRECTING_KINDS",
    "AllocationKey",
    "AllocationRun",
    "BatchState",
    "Carryover",
    "ChargeOn",
    "CostPool",
    "Expense",
    "FiscalYear",
    "OrderNotice",
    "OrderState",
    "OrderingPeriod",
    "Payment",
    "PaymentReversal",
    "PesExport",
    "PoolCategory",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "RecapExport",
    "Refund",
    "RevenueTitle",
    "RunKind",
    "Share",
    "SpreadOn",
    "StaffTime",
    "StorageVolume",
    "TariffGrid",
    "TariffLine",
    "TariffLineKind",
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
    "VolumeImport",
]
