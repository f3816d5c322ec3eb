"""A consortium's catalogue of priced services, its yearly prices, members' subscriptions."""

from catalogue.models.catalogue import Catalogue, Service, ServiceKind, ServicePrice
from catalogue.models.subscriptions import CatalogueTitre, CommissioningReport, Subscription

__all__ = [
    "Catalogue",
    "CatalogueTitre",
    "CommissioningReport",
    "Service",
    "ServiceKind",
    "ServicePrice",
    "Subscription",
]
