import datetime
import os
from dataclasses import dataclass

import pytest

from ligeris.lib.roles import Role
from ligeris.lib.scopes import scopes_disabled
from partners import services
from partners.models import Consortium, Holding, Partner, Tenant
from tests.factories import ConventionFactory, PartnerFactory, PersonFactory, UserFactory

pytest_plugins = [
    "tests.billing_fixtures",
    "tests.browser_fixtures",
    "tests.catalogue_fixtures",
    "tests.final_rows",
    "tests.governance_fixtures",
    "tests.titre_fixtures",
]

PASSWORD = "mot-de-passe-de-test"
ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))


@dataclass
class World:
    """A small consortium: coordinator C, partners A and B, a tenant shared by A and B (B pays)."""

    consortium: Consortium
    coordinator: Partner
    partner_a: Partner
    partner_b: Partner
    tenant_a: Tenant
    tenant_b: Tenant
    tenant_shared: Tenant
    tenant_coordinator: Tenant

    def holding(self, tenant: Tenant, partner: Partner) -> Holding:
        return Holding.objects.get(tenant=tenant, partner=partner)


@pytest.fixture
def world(db) -> World:
    coordinator = PartnerFactory(name="Département d'Indre-et-Loire", short_name="Indre-et-Loire")
    consortium = coordinator.consortium
    services.consortium_set_coordinator(consortium=consortium, coordinator=coordinator)
    ConventionFactory(consortium=consortium)
    partner_a = PartnerFactory(consortium=consortium, name="Ville de Blois", short_name="Blois")
    partner_b = PartnerFactory(consortium=consortium, name="Agglopolys", short_name="Agglopolys")
    PersonFactory(partner=partner_a)
    day = datetime.date(2024, 1, 1)
    tenant = services.tenant_create
    return World(
        consortium=consortium,
        coordinator=coordinator,
        partner_a=partner_a,
        partner_b=partner_b,
        tenant_a=tenant(
            consortium=consortium,
            code="blois",
            name="Blois",
            opened_on=day,
            deployed_on=day,
            payer=partner_a,
        ),
        tenant_b=tenant(
            consortium=consortium, code="agglo", name="Agglopolys", opened_on=day, payer=partner_b
        ),
        tenant_shared=tenant(
            consortium=consortium,
            code="blaisois",
            name="Blaisois",
            opened_on=day,
            payer=partner_b,
            co_holders=[partner_a],
        ),
        tenant_coordinator=tenant(
            consortium=consortium,
            code="cd37",
            name="CD37",
            opened_on=day,
            deployed_on=day,
            payer=coordinator,
        ),
    )


@pytest.fixture
def users(world) -> dict:
    """One signed-up, verified user per role; partner A's and partner B's users apart."""
    return {
        "admin": UserFactory(
            email="admin@example.org", role=Role.ADMIN, is_staff=True, is_superuser=True
        ),
        "finance": UserFactory(email="finance@example.org", role=Role.FINANCE),
        "secretary": UserFactory(email="secretary@example.org", role=Role.SECRETARY),
        "partner_a": UserFactory(email="a@example.org", role=Role.PARTNER, partner=world.partner_a),
        "partner_b": UserFactory(email="b@example.org", role=Role.PARTNER, partner=world.partner_b),
    }


@pytest.fixture
def client_for(client, users):
    """A logged-in test client for a role name ("anonymous" gives a fresh anonymous client)."""

    def make(role: str):
        if role != "anonymous":
            client.force_login(users[role])
        return client

    return make


@pytest.fixture(autouse=True)
def _scopes_disabled():
    """Tests build and check rows across consortia, unscoped as a command is; a request made
    through the test client still runs in its consortium's scope (`ScopeMiddleware`'s `scope()`
    enables the guard again inside), and so does a task (`in_scope_of`)."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _french(settings):
    """Each test starts in the product's language, whatever a previous request activated."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
