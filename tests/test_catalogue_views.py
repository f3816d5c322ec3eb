"""The catalogue's pages: every form posted empty by every role (refused by role or by scope
before anything is written), a staff journey from the catalogue to the batch of titres, the
partner's own subscriptions, and query counts that do not grow with the rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogue.models import Catalogue, CommissioningReport, Service, ServicePrice, Subscription
from catalogue.services import subscriptions
from tests.catalogue_fixtures import D, build_catalogue
from tests.catalogue_matrix import CATALOGUE_POST_MATRIX, catalogue_args
from tests.factories import PartnerFactory
from tests.test_permissions import ROLES
from titres.models import RevenueTitle

CASES = [
    (name, role, expected[i])
    for name, (_key, expected) in CATALOGUE_POST_MATRIX.items()
    for i, role in enumerate(ROLES)
]


def _rows():
    models = (Catalogue, Service, ServicePrice, CommissioningReport, Subscription, RevenueTitle)
    return tuple(model.objects.count() for model in models)


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{n}-{r}" for n, r, _ in CASES])
def test_post_matrix(name, role, expected, world, client_for):
    key, _ = CATALOGUE_POST_MATRIX[name]
    args = catalogue_args(world, key) if key else []
    before = _rows()
    response = client_for(role).post(reverse(name, args=args), {})
    assert response.status_code == expected, f"{role} POST {name}"
    assert _rows() == before  # refused, or an empty form sent back: nothing written


def test_finance_bills_the_catalogue_from_its_pages(world, client_for):
    built = build_catalogue(world, subscribe=False)
    client = client_for("finance")
    url = reverse("catalogue:subscription_create", args=[built.report.pk])
    for service, quantity in ((built.flat, "1"), (built.unit, "40"), (built.volume, "1,5")):
        response = client.post(url, {"service": service.pk, "quantity": quantity})
        assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(reverse("catalogue:report_detail", args=[built.report.pk])).content.decode()
    assert "01/04/2025" in page  # the first day of the month after the PV of 15 March
    refused = client.post(reverse("catalogue:billing"), {"issue_date": "2026-04-01"})
    assert refused.status_code == 200
    assert "hors de cette période" in refused.content.decode()
    assert not RevenueTitle.objects.exists()
    response = client.post(reverse("catalogue:billing"), {"issue_date": "2026-02-16"})
    titre = RevenueTitle.objects.get()
    assert response["Location"] == reverse("billing:batch_detail", args=[titre.batch_id])
    assert titre.total == D("1520.00")
    # billing's own pages show the catalogue's drafts like any other (no run, no tenant).
    batch_page = client.get(response["Location"])
    text = batch_page.content.decode().replace("\u202f", " ").replace("\u00a0", " ")
    assert batch_page.status_code == 200 and "1 520,00" in text
    titre_page = client.get(titre.get_absolute_url())
    assert titre_page.status_code == 200
    assert "GED — Gestion électronique des documents" in titre_page.content.decode()
    # The titres list leads to the catalogue's billing, not to cost sharing's fiscal years.
    listing = client.get(reverse("billing:titre_list")).content.decode()
    assert reverse("catalogue:billing") in listing
    assert "Établir des titres depuis un exercice" not in listing
    assert "Titre annuel (terme échu)" in listing  # the titre's heading, not its kind's label


def test_finance_withdraws_a_service_from_its_page(world, client_for, mailoutbox):
    built = build_catalogue(world)
    client = client_for("finance")
    url = reverse("catalogue:service_withdraw", args=[built.flat.pk])
    reason = "Faille de sécurité non corrigée par l'éditeur"
    refused = client.post(url, {"withdrawn_on": "0001-01-01", "withdrawal_reason": reason})
    assert refused.status_code == 200
    assert "Aucun catalogue 1 ne tarife ce service" in refused.content.decode()
    built.flat.refresh_from_db()
    assert built.flat.withdrawn_on is None and not mailoutbox
    response = client.post(url, {"withdrawn_on": "2025-06-20", "withdrawal_reason": reason})
    assert response.status_code == 302
    built.flat.refresh_from_db()
    assert (built.flat.withdrawn_on, built.flat.withdrawal_reason) == (
        datetime.date(2025, 6, 20),
        reason,
    )
    ended = Subscription.objects.get(service=built.flat)
    assert ended.ends_on == datetime.date(2025, 6, 20)


def test_a_partner_sees_its_own_subscriptions_only(world, client_for):
    build_catalogue(world)
    page_a = client_for("partner_a").get(reverse("catalogue:my_subscriptions")).content.decode()
    page_b = client_for("partner_b").get(reverse("catalogue:my_subscriptions")).content.decode()
    assert "GED — Gestion électronique des documents" in page_a
    assert "GED" not in page_b and "Aucun abonnement." in page_b


def _more_subscriptions(world, built, count):
    for n in range(count):
        partner = PartnerFactory(consortium=world.consortium)
        report = subscriptions.report_record(
            consortium=world.consortium,
            partner=partner,
            signed_on=datetime.date(2025, 1, 10 + n),
            signatories="M. Le Maire",
        )
        subscriptions.subscription_create(report=report, service=built.unit, quantity=D(n + 1))


@pytest.mark.parametrize("name", ["catalogue:subscription_list", "catalogue:index"])
def test_queries_do_not_grow_with_the_rows(name, world, client_for):
    built = build_catalogue(world)
    client = client_for("finance")
    client.get(reverse(name))  # session, consortium: warm
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(name))
    _more_subscriptions(world, built, 8)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse(name))
    assert len(many) == len(few)


def test_the_navigation_offers_the_catalogue_to_a_catalogue_consortium_only(world, client_for):
    client = client_for("finance")
    assert "/catalogue/" not in client.get(reverse("home")).content.decode()
    build_catalogue(world)  # billing mode: catalogue
    page = client.get(reverse("home")).content.decode()
    assert 'href="/catalogue/"' in page and 'href="/engagements/"' in page
    partner = client_for("partner_a").get(reverse("home")).content.decode()
    assert 'href="/catalogue/mes-abonnements/"' in partner


def test_the_header_and_footer_name_the_consortium_of_the_pages(world, client_for):
    world.consortium.name, world.consortium.platform = "GIP RECIA (essai)", "sOlaere"
    world.consortium.save()
    page = client_for("finance").get(reverse("home")).content.decode()
    assert '<span class="tagline">GIP RECIA (essai)</span>' in page
    assert "GIP RECIA (essai) — sOlaere · Ligeris" in page
    assert "groupement pour un système d&#x27;archivage" not in page
