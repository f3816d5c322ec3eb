"""The consortium, its convention, its partners and the tenants they hold."""

from partners.models.consortium import (
    CONVENTION_MAX_YEARS,
    Amendment,
    AmendmentKind,
    BillingMode,
    Consortium,
    Convention,
    add_years,
)
from partners.models.contacts import ContactChange, ContactChangeState, ContactKind
from partners.models.members import Holding, Partner, PartnerKind, PartnerStatus, Tenant
from partners.models.organisations import Organisation
from partners.models.people import Civility, Person, PersonRole

__all__ = [
    "CONVENTION_MAX_YEARS",
    "Amendment",
    "AmendmentKind",
    "BillingMode",
    "Civility",
    "Consortium",
    "ContactChange",
    "ContactChangeState",
    "ContactKind",
    "Convention",
    "Holding",
    "Organisation",
    "Partner",
    "PartnerKind",
    "PartnerStatus",
    "Person",
    "PersonRole",
    "Tenant",
    "add_years",
]
