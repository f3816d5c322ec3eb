"""A partner's timeline: every source in date order with its French title, the filters, who may
read whose, the deadlines to come, the links a reader may follow.

The story is partner A's (Ville de Blois) in the `world`: tenant blois opened and deployed on
1 January 2024, an old tenant opened on 1 February 2024 and closed on 30 June 2025, an amendment
signed on 10 January 2025, the annual titre of blois (5 839,03 €) issued on 20 January 2026 and
paid on 5 February, the COPIL of 10 March 2026 where blois voted for the roadmap (minutes
closed), a seat in that COPIL, and the 2026 budget run. Runs on SQLite and on PostgreSQL.
"""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from billing.services import titres
from governance.services import meetings as meeting_services
from membership.timeline import timeline
from partners import services as partner_services
from partners.models import Amendment, Tenant
from tests.governance_fixtures import vote_all
from titres.models import RevenueTitle
from titres.money import format_euros

PAID_ON = datetime.date(2026, 2, 5)
OLD_OPENED = datetime.date(2024, 2, 1)
OLD_CLOSED = datetime.date(2025, 6, 30)
SIGNED_ON = datetime.date(2025, 1, 10)


def eur(amount: str) -> str:
    return format_euros(Decimal(amount))


def titles(events) -> list[str]:
    return [event.title for event in events]


@pytest.fixture
def story(world, copil, issued_batch, budget_run):
    return build_story(world, copil, issued_batch)


def build_story(world, copil, issued_batch) -> RevenueTitle:
    """Partner A's story, built through the services (see the module's docstring); returns
    its paid annual titre of blois."""
    old = partner_services.tenant_create(
        consortium=world.consortium,
        code="vieux",
        name="Ancien tenant",
        opened_on=OLD_OPENED,
        payer=world.partner_a,
    )
    partner_services.tenant_save(tenant=old, closed_on=OLD_CLOSED)
    partner_services.amendment_save(
        amendment=Amendment(convention=world.consortium.conventions.get()),
        number=1,
        kind="other",
        title="Tenant supplémentaire de Blois",
        partner=world.partner_a,
        signed_on=SIGNED_ON,
    )
    titre = RevenueTitle.objects.get(batch=issued_batch, tenant=world.tenant_a)
    titres.payment_record(
        titre=titre, paid_on=PAID_ON, amount=Decimal("5839.03"), reference="P503-1"
    )
    vote_all(copil.meeting, copil.decision)
    meeting_services.minutes_close(meeting=copil.meeting)
    return titre


def test_the_story_is_told_in_date_order_with_french_titles(world, copil, story, budget_run):
    events = timeline(world.partner_a)
    days = [event.day for event in events]
    assert days == sorted(days)
    shown = titles(events)
    reference = story.reference
    person = copil.people[world.partner_a.pk]
    share_total = sum(s.amount for s in budget_run.shares.filter(partner=world.partner_a))
    expected = [
        "Ouverture du tenant blois — Blois",
        "Déploiement du tenant blois : voix délibérative (article 6)",
        "Ouverture du tenant vieux — Ancien tenant",
        "Avenant n° 1 signé : Tenant supplémentaire de Blois",
        "Fermeture du tenant vieux — Ancien tenant",
        f"Titre n° {reference} émis : Titre annuel (terme à échoir), {eur('5839.03')}",
        f"Paiement reçu : {eur('5839.03')} sur le titre n° {reference}",
        "Vote du tenant blois : pour — « Feuille de route 2026 » (COPIL du 10/03/2026)",
        f"Siège au COPIL : {person}, Directeur général des services (DGS)",
        f"Quotes-parts 2026, prévisionnel (version 1) : {format_euros(share_total)}",
    ]
    for title in expected:
        assert title in shown, title
    positions = [shown.index(title) for title in expected]
    assert positions == sorted(positions)
    # The vote of the shared tenant it co-holds is an advisory one (blaisois is not deployed).
    blaisois = next(e for e in events if e.title.startswith("Vote du tenant blaisois"))
    assert "voix consultative" in blaisois.detail
    # Ties on a day keep the order of things: the tenant opens before it is deployed.
    assert shown.index(expected[0]) < shown.index(expected[1])


def test_a_paid_titre_has_no_deadline_and_an_unpaid_one_shows_its_due_date(world, story):
    events = timeline(world.partner_a, categories=["money"])
    assert not any(f"Échéance du titre n° {story.reference}" in e.title for e in events)
    tours = RevenueTitle.objects.get(batch=story.batch, tenant__code="tours")
    late = next(e for e in events if e.title.startswith("Échéance dépassée"))
    assert late.title.startswith(f"Échéance dépassée du titre n° {tours.reference}")
    assert late.day == tours.due_on and not late.is_deadline


def test_a_closing_to_come_is_a_deadline(world, client_for):
    partner_services.tenant_save(tenant=world.tenant_a, closed_on=datetime.date(2099, 6, 30))
    closing = next(
        e for e in timeline(world.partner_a) if e.title.startswith("Fermeture du tenant blois")
    )
    assert closing.is_deadline
    page = client_for("finance").get(
        reverse("membership:partner_timeline", args=[world.partner_a.pk])
    )
    assert "1 échéance à venir." in page.text
    assert "Échéance à venir" in page.text


def test_status_changes_and_decisions_about_it_are_membership_and_governance(world, copil):
    from governance.models import DecisionKind, ItemKind

    candidate = world.partner_b
    partner_services.partner_save(partner=candidate, status="candidate")
    meeting_services.item_add(
        meeting=copil.meeting,
        title="Adhésion d'Agglopolys",
        kind=ItemKind.DECISION,
        motion="Le COPIL admet Agglopolys.",
        decision_kind=DecisionKind.ADMISSION,
        concerned_partner=candidate,
    )
    events = timeline(candidate)
    status = next(e for e in events if e.title == "Statut : Membre → Candidat")
    assert status.category == "membership"
    decision = next(e for e in events if e.title.startswith("Admission d'un membre"))
    assert decision.title == "Admission d'un membre à l'ordre du jour (COPIL du 10/03/2026)"
    assert decision.category == "governance" and decision.detail == "Adhésion d'Agglopolys"


def test_filtering_by_category_and_period(world, story):
    money = timeline(world.partner_a, categories=["money"])
    assert money and {e.category for e in money} == {"money"}
    both = timeline(world.partner_a, categories=["tenants", "governance"])
    assert {e.category for e in both} == {"tenants", "governance"}
    period = timeline(
        world.partner_a, since=datetime.date(2024, 2, 1), until=datetime.date(2025, 6, 30)
    )
    assert titles(period) == [
        "Ouverture du tenant vieux — Ancien tenant",
        "Avenant n° 1 signé : Tenant supplémentaire de Blois",
        "Fermeture du tenant vieux — Ancien tenant",
    ]


def test_the_page_filters_from_the_query_string_and_shows_the_filter(world, story, client_for):
    url = reverse("membership:partner_timeline", args=[world.partner_a.pk])
    page = client_for("finance").get(
        url, {"categories": ["tenants"], "since": "2024-02-01", "until": "2025-12-31"}
    )
    assert page.status_code == 200
    text = page.text
    assert "Filtre : catégories : Tenants ; du 01/02/2024 au 31/12/2025." in text
    assert "Fermeture du tenant vieux" in text
    assert "Ouverture du tenant blois" not in text
    assert "Paiement reçu" not in text


def test_a_period_upside_down_is_refused_in_french_and_filters_nothing(world, story, client_for):
    url = reverse("membership:partner_timeline", args=[world.partner_a.pk])
    page = client_for("finance").get(url, {"since": "2026-01-01", "until": "2025-01-01"})
    assert page.status_code == 200
    assert "La date de début doit précéder la date de fin." in page.text
    assert "Filtre : toutes catégories ; toute la période." in page.text
    assert "Ouverture du tenant blois" in page.text


def test_a_partner_user_reads_its_own_and_not_another_partners(world, story, client_for):
    client = client_for("partner_a")
    own = client.get(reverse("membership:partner_timeline", args=[world.partner_a.pk]))
    assert own.status_code == 200
    assert "Paiement reçu" in own.text
    mine = client.get(reverse("membership:my_timeline"))
    assert mine.status_code == 200
    assert "Historique de Ville de Blois" in mine.text
    other = client.get(reverse("membership:partner_timeline", args=[world.partner_b.pk]))
    assert other.status_code == 404


def test_a_partner_user_gets_no_link_it_could_not_open(world, story, client_for):
    """The run page is finance staff's: the share event stays, without its link."""
    run_url = reverse("billing:run_detail", args=[story.run_id])
    staff = client_for("finance").get(
        reverse("membership:partner_timeline", args=[world.partner_a.pk])
    )
    assert run_url in staff.text
    partner = client_for("partner_a").get(reverse("membership:my_timeline"))
    assert "Quotes-parts 2026, prévisionnel" in partner.text
    assert run_url not in partner.text
    assert story.get_absolute_url() in partner.text


def test_the_partner_page_and_the_partner_home_link_to_the_timeline(world, client_for):
    client = client_for("partner_a")
    detail = client.get(reverse("partners:partner_detail", args=[world.partner_a.pk])).text
    assert reverse("membership:partner_timeline", args=[world.partner_a.pk]) in detail
    assert (
        "Le statut change par les actes de la vie du groupement : adhésion, retrait, exclusion."
        in detail
    )
    home = client.get(reverse("home")).text
    assert reverse("membership:my_timeline") in home


def test_the_page_has_print_rules_hiding_the_navigation(world, client_for):
    """The print view itself is checked in Chromium (test_membership_timeline_browser.py)."""
    page = client_for("finance").get(
        reverse("membership:partner_timeline", args=[world.partner_a.pk])
    )
    assert '<form method="get" class="filters no-print"' in page.text
    assert "<caption>Filtre : toutes catégories ; toute la période.</caption>" in page.text


def test_removed_holdings_and_payer_changes_stay_in_the_story(world):
    holding = world.holding(world.tenant_shared, world.partner_a)
    partner_services.holding_make_payer(holding=holding)
    previous = world.holding(world.tenant_shared, world.partner_b)
    partner_services.holding_remove(holding=previous)
    a_titles = titles(timeline(world.partner_a, categories=["tenants"]))
    assert "Devient le payeur (interlocuteur financier unique) du tenant blaisois" in a_titles
    b_titles = titles(timeline(world.partner_b, categories=["tenants"]))
    assert "N'est plus le payeur du tenant blaisois" in b_titles
    assert "Ne détient plus le tenant blaisois" in b_titles
    assert Tenant.objects.filter(code="blaisois").exists()


def test_a_holder_joining_later_is_told_and_the_holders_a_tenant_is_born_with_are_not(world):
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    assert not any(t.startswith("Détient le tenant") for t in titles(timeline(world.partner_a)))
    # The tenant agglo was recorded a year ago; partner A joins it today.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Tenant),
        object_pk=str(world.tenant_b.pk),
        action=LogEntry.Action.CREATE,
    ).update(timestamp=datetime.datetime(2025, 12, 1, 9, tzinfo=datetime.UTC))
    partner_services.holding_add(tenant=world.tenant_b, partner=world.partner_a)
    assert "Détient le tenant agglo" in titles(timeline(world.partner_a))


def test_a_date_that_does_not_exist_is_refused_in_french(world, client_for):
    url = reverse("membership:partner_timeline", args=[world.partner_a.pk])
    page = client_for("finance").get(url, {"since": "2026-02-31", "categories": ["nope"]})
    assert page.status_code == 200
    text = unescape(page.text)
    assert "Saisissez une date valide." in text
    assert "Sélectionnez un choix valide. nope n’en fait pas partie." in text
    assert "Le filtre n'est pas appliqué : tout l'historique est affiché." in text
    assert "Ouverture du tenant blois" in text
