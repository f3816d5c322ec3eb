"""Tariff grids, cost pools, expenses, storage volumes, allocation snapshots,
purchase orders and recap exports (the fiscal years they hang on, and the titres they lead to,
are in `titres`).

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
from billing.models.grids import TariffGrid, TariffLine, TariffLineKind
from billing.models.orders import (
    ChargeOn,
    OrderingPeriod,
    OrderNotice,
    OrderState,
    PurchaseOrder,
    PurchaseOrderLine,
)
from billing.models.recap_exports import RecapExport
from billing.models.runs import AllocationRun, Share
from billing.models.volumes import StorageVolume, VolumeImport

__all__ = [
    "AllocationKey",
    "AllocationRun",
    "ChargeOn",
    "CostPool",
    "Expense",
    "OrderNotice",
    "OrderState",
    "OrderingPeriod",
    "PoolCategory",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "RecapExport",
    "RunKind",
    "Share",
    "SpreadOn",
    "StaffTime",
    "StorageVolume",
    "TariffGrid",
    "TariffLine",
    "TariffLineKind",
    "VolumeImport",
]
