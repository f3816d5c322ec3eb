"""The partner's inbox: per partner, what awaits it (amendment to approve, answers, titres due)
and what it sent, with states; the weekly digest sent once a period, never when turned off."""

import datetime

import pytest
from django.urls import reverse

from accounts.services import user_set_inbox_digest
from billing.services.order_review import order_request_changes
from governance.services.requests import meeting_request_answer
from membership import inbox
from membership.models import InboxDigest
from membership.tasks import digest_period, send_inbox_digest, send_inbox_digests
from partners.contact_changes import contact_change_reject
from tests.billing_matrix import billing_args
from tests.membership_amendments_fixtures import world_amendment
from tests.order_fixtures import submitted_order
from tests.portal_fixtures import change_of, request_of, submit_for
from titres.models import RevenueTitle

MONDAY = datetime.date(2026, 11, 30)


def _items(sections, key):
    (section,) = [s for s in sections if s.key == key]
    return section.items


def _titles(sections, key):
    return [(item.title, item.state) for item in _items(sections, key)]


@pytest.fixture
def portal(world, users, copil):
    """A's request answered, A's contact change pending; B's deliberation uploaded, B's new
    billing e-mail refused."""
    file = world_amendment(copil)
    answered = request_of(world.partner_a, copil.cotech, users["partner_a"], subject="Hébergeur")
    meeting_request_answer(request=answered, answer="Vu au COTECH de janvier.")
    change_of(world.partner_a, user=users["partner_a"])
    submit_for(file, world.partner_b, users["partner_b"], number="B-7")
    refused = change_of(
        world.partner_b, kind="billing_email", first_name="", last_name="", email="x@agglo.fr"
    )
    contact_change_reject(change=refused, reason="Adresse inconnue du service financier.")
    return file


def test_each_partner_sees_its_own_inbox(world, users, portal, client_for):
    a = inbox.inbox_of(world.partner_a)
    assert _titles(a["awaiting"], "amendments") == [
        (
            f"Avenant n° {portal.amendment.number} — {portal.amendment.title}",
            "Délibération d'approbation à déposer",
        )
    ]
    assert _titles(a["awaiting"], "answers") == [
        ("Demande de séance du COTECH : Hébergeur", "Réponse donnée")
    ]
    assert _titles(a["sent"], "meeting_requests") == [
        ("Séance du COTECH : Hébergeur", "Réponse donnée")
    ]
    assert [state for _, state in _titles(a["sent"], "contact_changes")] == [
        "En attente de validation"
    ]
    assert _titles(a["sent"], "deliberations") == []

    b = inbox.inbox_of(world.partner_b)
    # B's deliberation is uploaded: the amendment no longer awaits it, it is among what it sent.
    assert _titles(b["awaiting"], "amendments") == []
    (answer,) = _items(b["awaiting"], "answers")
    assert (answer.state, answer.detail) == ("Refusée", "Adresse inconnue du service financier.")
    assert _titles(b["sent"], "deliberations") == [
        (
            f"Délibération n° B-7 pour l'avenant n° {portal.amendment.number}",
            "À vérifier par le coordonnateur",
        )
    ]
    assert _titles(b["sent"], "meeting_requests") == []

    page = client_for("partner_b").get(reverse("membership:inbox"))
    assert page.status_code == 200
    assert "B-7" in page.text and "Hébergeur" not in page.text


def test_a_titre_due_awaits_its_debtor(world, users):
    (pk,) = billing_args(world, "billing_titre_of_a")
    titre = RevenueTitle.objects.get(pk=pk)
    due = RevenueTitle.objects.filter(debtor=world.partner_a, state="issued").count()
    items = _items(inbox.inbox_of(world.partner_a)["awaiting"], "titres")
    assert len(items) == due
    (item,) = [item for item in items if titre.reference in item.title]
    assert item.url == titre.get_absolute_url() and "Reste à payer" in item.detail
    assert item.state in ("À payer", "En retard")
    assert all(
        titre.reference not in item.title
        for item in _items(inbox.inbox_of(world.partner_b)["awaiting"], "titres")
    )


def test_the_inbox_costs_a_fixed_number_of_queries(
    world, users, portal, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        inbox.inbox_of(world.partner_a)


def test_the_digest_is_sent_once_a_period(world, users, portal, mailoutbox):
    assert digest_period(datetime.date(2026, 12, 3)) == MONDAY
    assert send_inbox_digests("2026-12-03") == 2  # A and B each have something waiting
    assert send_inbox_digests("2026-12-04") == 0  # same week: once
    assert send_inbox_digest(users["partner_a"].pk, MONDAY.isoformat()) == 0
    by_user = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_user) == ["a@example.org", "b@example.org"]
    assert "Hébergeur" in by_user["a@example.org"].body
    assert (
        "B-7" in by_user["b@example.org"].body and "Hébergeur" not in by_user["b@example.org"].body
    )
    assert InboxDigest.objects.filter(period_start=MONDAY).count() == 2
    # Next week, again.
    assert send_inbox_digests("2026-12-07") == 2


def test_no_digest_when_turned_off(world, users, portal, client_for, mailoutbox):
    response = client_for("partner_a").post(reverse("accounts:my_profile"), {})
    assert response.status_code == 302
    users["partner_a"].refresh_from_db()
    assert users["partner_a"].inbox_digest is False
    assert send_inbox_digests("2026-12-03") == 1
    assert [m.to for m in mailoutbox] == [["b@example.org"]]
    user_set_inbox_digest(user=users["partner_a"], enabled=True)
    assert send_inbox_digest(users["partner_a"].pk, MONDAY.isoformat()) == 1


def test_no_digest_when_nothing_awaits(world, users, mailoutbox):
    assert send_inbox_digests("2026-12-03") == 0
    assert mailoutbox == [] and not InboxDigest.objects.exists()


def test_an_order_sent_back_awaits_its_partner_and_is_among_what_it_sent(world, billing_year):
    order = submitted_order(world, billing_year.fiscal_year)
    order = order_request_changes(order=order, comment="Précisez le volume par tenant.")
    awaiting = _items(inbox.inbox_of(world.partner_a)["awaiting"], "orders_back")
    assert [item.detail for item in awaiting] == ["Précisez le volume par tenant."]
    assert awaiting[0].url == order.get_absolute_url()
    assert [item.title for item in _items(inbox.inbox_of(world.partner_a)["sent"], "orders")] == [
        str(order)
    ]
    other = inbox.inbox_of(world.partner_b)
    assert not _items(other["awaiting"], "orders_back") and not _items(other["sent"], "orders")
