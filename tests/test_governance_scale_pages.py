"""The governance pages of a meeting read as many queries with 10× more seats, tenants and votes
(issue 17): meeting page, votes of a decision, the vote sheet.

50 seats at least for the base: the page's history shows the last 100 audit entries, and each kind
of row named there is read once; below, older kinds (the meeting, its items) come into view.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from governance.forms import PROXY_SELECT_MAX
from governance.meeting_page import ATTENDANCE_PER_PAGE, VOTES_SHOWN, meeting_page
from governance.models import AgendaItem
from governance.selectors import active_seats, seat_names
from governance.services.meetings import meeting_update, minutes_close
from governance.sheet_forms import SEATS_PER_PAGE
from ligeris.lib.roles import Role
from tests.factories import UserFactory
from tests.governance_fixtures import vote_all
from tests.scale_fixtures import analyze, bulk_committee


def _voted_committee(size: int, *, closed: bool = False):
    committee = bulk_committee(size)
    meeting = committee.meeting
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    for item in items:
        vote_all(meeting, item.decision)
    analyze()
    if closed:
        meeting = meeting_update(meeting=meeting, secretary=committee.seats[0].person)
        minutes_close(meeting=meeting)
    return committee, items


def _queries(client, url: str, expected: tuple[str, ...] = ()) -> int:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    for text in expected:
        assert text in response.text, text
    return len(queries)


def _pages(client, committee, items, *, recorder: bool) -> dict[str, int]:
    meeting, item = committee.meeting, items[0]
    votes = item.decision.votes.count()
    counts = {
        "meeting": _queries(client, meeting.get_absolute_url()),
        "meeting page 2": _queries(client, f"{meeting.get_absolute_url()}?presences=2"),
        "votes": _queries(
            client,
            reverse("governance:decision_votes", args=[item.pk]),
            (f"<dd>{votes}</dd>",),
        ),
        "votes last page": _queries(
            client, reverse("governance:decision_votes", args=[item.pk]) + "?page=last"
        ),
    }
    if recorder:
        counts["vote sheet"] = _queries(client, reverse("governance:votes", args=[item.pk]))
        counts["attendance sheet"] = _queries(
            client, reverse("governance:attendance", args=[meeting.pk])
        )
    return counts


@pytest.mark.parametrize("role", ["finance", "secretary"])
def test_meeting_pages_read_the_same_queries_with_ten_times_more_seats(client, db, role):
    user = UserFactory(email=f"{role}@example.org", role=Role(role))
    client.force_login(user)
    counts = []
    for size in (50, 500):
        committee, items = _voted_committee(size)
        user.consortia.set([committee.body.consortium_id])  # each committee is a consortium's
        counts.append(_pages(client, committee, items, recorder=role == "secretary"))
        page = client.get(committee.meeting.get_absolute_url()).text
        # The totals stay exact while the rows are paginated.
        assert page.count("<tr><td>") <= ATTENDANCE_PER_PAGE + 2 * VOTES_SHOWN
        assert f"{items[0].decision.votes.count()} votes" in page
    assert counts[0] == counts[1]


def test_a_partner_reads_a_closed_meeting_with_the_same_queries_at_ten_times_the_size(client, db):
    counts = []
    for size in (50, 500):
        committee, items = _voted_committee(size, closed=True)
        partner = committee.seats[0].partner
        user = UserFactory(email=f"p{size}@example.org", role=Role.PARTNER, partner=partner)
        client.force_login(user)
        counts.append(_pages(client, committee, items, recorder=False))
    assert counts[0] == counts[1]


def test_a_large_attendance_sheet_names_proxy_holders_from_one_list(client, db):
    """Above PROXY_SELECT_MAX seats, one datalist of the members instead of a select of every
    member on every row; the typed name is checked against the members."""
    committee = bulk_committee(PROXY_SELECT_MAX + 20)
    seats, meeting = committee.seats, committee.meeting
    client.force_login(UserFactory(email="s@example.org", role=Role.SECRETARY))
    url = reverse("governance:attendance", args=[meeting.pk])
    page = client.get(url).text
    assert page.count('id="proxy-holders"') == 1
    # 4 statuses per row and one suggestion per member: linear, not quadratic.
    assert page.count("<option") <= 5 * len(seats) + 10  # and the language selector
    assert f'value="{seats[5]}"' in page  # seat 6 gave its proxy to seat 5 (the fixture)

    def post(holder_label: str):
        data = {f"status_{s.pk}": "present" for s in seats}
        data[f"status_{seats[3].pk}"] = "proxy"
        data[f"proxy_{seats[3].pk}"] = holder_label
        return client.post(url, data)

    response = post("Quelqu'un d'autre")
    assert "Choisissez le mandataire parmi les membres" in response.text
    assert meeting.attendances.get(seat=seats[3]).status == "present"  # nothing changed
    response = post(str(seats[2]))
    assert response.status_code == 302
    row = meeting.attendances.get(seat=seats[3])
    assert (row.status, row.proxy_to_id) == ("proxy", seats[2].pk)
    assert meeting.attendances.count() == len(seats)


def test_the_meeting_page_pages_the_attendance_in_protocol_order_and_shows_the_first_votes(db):
    """Read a page at a time (the page's keys first), the attendance keeps the minutes' order
    across pages, and each decision shows its first votes by tenant code."""
    committee, _items = _voted_committee(2 * ATTENDANCE_PER_PAGE + 20)
    meeting = committee.meeting
    protocol = ("seat__order", "seat__partner__name", "seat__person__last_name", "pk")
    ordered = list(meeting.attendances.order_by(*protocol).values_list("pk", flat=True))
    shown = []
    for number in (1, 2, 3):
        page = meeting_page(meeting, with_record=True, attendance_page=number)["attendance_page"]
        shown += [row.pk for row in page]
        assert all(str(row.seat) for row in page)
    assert shown == ordered
    for item in meeting_page(meeting, with_record=True)["items"]:
        codes = item.decision.votes.order_by("tenant__code").values_list("tenant__code", flat=True)
        assert [vote.tenant.code for vote in item.votes_list] == list(codes[:VOTES_SHOWN])
        assert all(str(vote.cast_by.person) for vote in item.votes_list)


def test_the_attendance_sheet_names_its_seats_as_the_models_do(client, db):
    """The sheet reads its seats as rows: the same names, roles and order as the models'."""
    committee = bulk_committee(PROXY_SELECT_MAX + 20)
    body = committee.meeting.body
    seats = list(active_seats(body))
    names = seat_names(body)
    assert [(s.pk, str(s), s.get_role_display(), s.partner_id) for s in seats] == [
        (s.pk, str(s), s.get_role_display(), s.partner_id) for s in names
    ]
    client.force_login(UserFactory(email="s@example.org", role=Role.SECRETARY))
    page = client.get(reverse("governance:attendance", args=[committee.meeting.pk])).text
    for seat in seats[:SEATS_PER_PAGE]:
        row = f'<th scope="row">{escape(seat)}<br><span class="muted">{escape(seat.get_role_display())}'
        assert row in page
    assert escape(seats[SEATS_PER_PAGE]) + "<br>" not in page  # on the second page
