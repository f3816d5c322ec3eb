"""The membership dashboard (staff only): partners by status linking to the filtered list, the
sections its sources feed, their empty states; and adding a source is one line."""

import datetime
from html import unescape

import pytest
from django.urls import reverse

from governance.models import DecisionKind, ItemKind
from governance.services import meetings as meeting_services
from membership import dashboard
from membership import timeline as timeline_module
from membership.dashboard import DashboardSource
from membership.timeline import timeline
from membership.timeline_types import TimelineEvent
from partners import services as partner_services

URL = "/vie-du-groupement/"


def test_the_dashboard_counts_partners_by_status_with_links_to_the_list(world, client_for):
    partner_services.partner_save(partner=world.partner_b, status="candidate")
    assert reverse("membership:dashboard") == URL
    page = client_for("secretary").get(URL)
    assert page.status_code == 200
    counts = {row["status"]: row["count"] for row in page.context["statuses"]}
    assert counts == {
        "candidate": 1,
        "member": 2,
        "withdrawing": 0,
        "withdrawn": 0,
        "excluded": 0,
    }
    assert 'href="/partenaires/?status=candidate"' in page.text
    listed = client_for("finance").get("/partenaires/", {"status": "candidate"})
    assert "Agglopolys" in listed.text and "Ville de Blois" not in listed.text


def test_nothing_to_do_shows_a_french_empty_state(world, client_for):
    page = client_for("finance").get(URL)
    assert "Aucune admission ni exclusion n'attend de décision." in unescape(page.text)


def test_an_admission_on_an_open_agenda_is_a_row_linking_to_the_partner_timeline(
    world, copil, client_for
):
    partner_services.partner_save(partner=world.partner_b, status="candidate")
    meeting_services.item_add(
        meeting=copil.meeting,
        title="Adhésion d'Agglopolys",
        kind=ItemKind.DECISION,
        motion="Le COPIL admet Agglopolys.",
        decision_kind=DecisionKind.ADMISSION,
        concerned_partner=world.partner_b,
    )
    page = client_for("finance").get(URL)
    assert "Admission d'un membre : Agglopolys, COPIL" in unescape(page.text)
    assert reverse("membership:partner_timeline", args=[world.partner_b.pk]) in page.text
    assert copil.meeting.get_absolute_url() in page.text
    assert "Aucune admission ni exclusion" not in page.text


def test_a_dashboard_source_is_one_line_and_a_bare_function_works_too(
    world, client_for, monkeypatch
):
    def notices(consortium):
        return [
            {
                "day": datetime.date(2026, 8, 10),
                "title": "Retrait effectif",
                "url": "",
                "partner": world.partner_a,
            }
        ]

    monkeypatch.setattr(
        dashboard,
        "SOURCES",
        [*dashboard.SOURCES, DashboardSource("Retraits en cours", notices), lambda c: []],
    )
    page = client_for("finance").get(URL)
    assert "Retraits en cours" in page.text
    assert "Retrait effectif" in page.text and "10/08/2026" in page.text
    assert "Rien à traiter." in page.text  # the bare function's empty section


def test_a_timeline_source_is_one_line(world, monkeypatch):
    def letters(partner):
        return [TimelineEvent(datetime.date(2024, 1, 1), "letters", "Lettre recommandée", order=-1)]

    monkeypatch.setattr(timeline_module, "SOURCES", [*timeline_module.SOURCES, letters])
    events = timeline(world.partner_a)
    assert events[0].title == "Lettre recommandée"  # same day, earlier order
    assert [e.title for e in timeline(world.partner_a, categories=["letters"])] == [
        "Lettre recommandée"
    ]


@pytest.mark.parametrize(("role", "shown"), [("finance", True), ("secretary", True),
                                             ("admin", True), ("partner_a", False)])  # fmt: skip
def test_the_navigation_offers_the_dashboard_to_staff(world, client_for, role, shown):
    page = client_for(role).get(reverse("home"))
    assert (f'href="{URL}"' in page.text) is shown
    assert ("Vie du groupement" in page.text) is shown
