"""The governance lists and the partner user's pages read as many queries with 10× more rows
(issue 17, profiled with bench/page_profile_portal.py): the decision register and the meetings
list (staff and partner), the action plan, a partner's titres, one of them, its inbox, its home,
its orders; and the pieces changed for them (one query for the runs of Mes quotes-parts, the
shares a partner sees, the tables' cached signatures and date cells)."""

import datetime

import django_tables2 as tables
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tables2 import utils

from billing import selectors
from billing.models import RunKind
from billing.services import runs, titres
from governance.models import AttendanceStatus, DecisionKind, ItemKind
from governance.services.meetings import (
    AttendanceEntry,
    action_create,
    attendance_record,
    item_add,
    meeting_schedule,
    meeting_update,
    minutes_close,
)
from ligeris.lib import tables as lean_tables
from partners import services as partner_services
from partners.models import Tenant
from tests.governance_fixtures import MEETING_AT, vote_all
from tests.titre_fixtures import ISSUE_DATE, settings_for, specific_run
from titres.models import RevenueTitle


def _queries(client, url: str) -> tuple[int, str]:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.text


def _closed_meeting(world, copil, decisions: int, day: int):
    """A COPIL meeting `day` days after the fixture's, `decisions` decisions voted, minutes
    closed: what a partner user sees in the register."""
    people = copil.people
    meeting = meeting_schedule(
        body=copil.body,
        starts_at=MEETING_AT + datetime.timedelta(days=day),
        place="Hôtel du Département, Tours",
    )
    meeting = meeting_update(
        meeting=meeting,
        chair=people[world.coordinator.pk],
        secretary=people[world.coordinator.pk],
    )
    items = [
        item_add(
            meeting=meeting,
            title=f"Décision {day}-{index:02d}",
            kind=ItemKind.DECISION,
            motion="Le COPIL adopte.",
            decision_kind=DecisionKind.EVOLUTION,
        )
        for index in range(decisions)
    ]
    attendance_record(
        meeting=meeting,
        entries=[AttendanceEntry(seat, AttendanceStatus.PRESENT) for seat in copil.seats.values()],
    )
    for item in items:
        vote_all(meeting, item.decision)
    return minutes_close(meeting=meeting)


def test_the_register_and_the_meetings_read_the_same_queries_with_ten_times_the_decisions(
    world, copil, client_for
):
    _closed_meeting(world, copil, 3, day=1)
    urls = (reverse("governance:decision_list"), reverse("governance:meeting_list"))
    before = {}
    for role in ("finance", "partner_a"):
        client = client_for(role)
        before[role] = [_queries(client, url)[0] for url in urls]
    for day in range(2, 12):
        _closed_meeting(world, copil, 3, day=day)  # 33 decisions, 13 meetings
    for role in ("finance", "partner_a"):
        client = client_for(role)
        (register, page), (meetings, listed) = (_queries(client, url) for url in urls)
        assert [register, meetings] == before[role], role
        assert page.count('<td class="num">') == 25 * 3  # one page of 25 decisions
        assert "Décision 11-02" in page and "Décision 2-00" not in page
        assert listed.count("<tr") >= 12  # every meeting of the body, one row each


def test_the_action_plan_reads_the_same_queries_with_ten_times_the_actions(copil, client_for):
    owner = next(iter(copil.people.values()))
    client = client_for("secretary")
    url = reverse("governance:action_list")

    def add(count, first):
        for index in range(first, first + count):
            action_create(
                item=copil.item,
                title=f"Action {index:02d}",
                owner=owner,
                due_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=index),
            )

    add(3, 0)
    before, _ = _queries(client, url)
    add(27, 3)
    after, page = _queries(client, url)
    assert after == before
    assert "30 actions en retard" in page
    assert "Action 29" in page and "30/01/2026" in page  # its due date, day first


def _titres_of_a(world, year, count: int, first: int) -> None:
    """`count` tenants paid by partner A, each with its own issued titre."""
    tenants = [
        partner_services.tenant_create(
            consortium=world.consortium,
            code=f"reprise{index:03d}",
            name=f"Reprise {index}",
            opened_on=datetime.date(2024, 1, 1),
            payer=world.partner_a,
        )
        for index in range(first, first + count)
    ]
    run = specific_run(year, dict.fromkeys(tenants, "50.00"))
    batch, _ = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    titres.batch_issue(batch=batch)


def test_a_partners_pages_read_the_same_queries_with_ten_times_its_titres(
    world, billing_year, client_for
):
    settings_for(world)
    _titres_of_a(world, billing_year, 2, 0)
    client = client_for("partner_a")
    titre = RevenueTitle.objects.filter(debtor=world.partner_a, number__isnull=False).first()
    urls = (
        reverse("home"),
        reverse("billing:my_titres"),
        reverse("billing:titre_detail", args=[titre.pk]),
        reverse("membership:inbox"),
        reverse("billing:order_list"),
        reverse("billing:my_shares"),
    )
    for url in urls:
        client.get(url)  # the session's first request reads more (its user, the site's caches)
    before = [_queries(client, url) for url in urls]
    _titres_of_a(world, billing_year, 20, 2)
    after = [_queries(client, url) for url in urls]
    assert [count for count, _ in after] == [count for count, _ in before]
    home, mine, _, inbox, _, _ = (page for _, page in after)
    assert "reprise021" in home
    # The second specific run bills every specific pool of the year: the first two again too.
    added = RevenueTitle.objects.filter(debtor=world.partner_a, number__isnull=False).count() - 2
    assert added >= 20
    assert mine.count("/finances/titres/") - before[1][1].count("/finances/titres/") == added
    assert inbox.count("Reste à payer") - before[3][1].count("Reste à payer") == added


def test_the_runs_of_mes_quotes_parts_are_those_each_year_shows(world, billing_year):
    first = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    second = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    year = billing_year.fiscal_year
    expected = [selectors.billed_run(year), selectors.latest_run(year, RunKind.ACTUAL)]
    assert (
        selectors.shown_runs(year.consortium)
        == [run for run in expected if run is not None]
        == [second]
    )
    runs.runs_lock(run_ids=[first.pk])  # a titre was drafted from the first: it is billed
    assert selectors.shown_runs(year.consortium) == [selectors.billed_run(year)] == [first]


def test_a_partner_sees_its_shares_and_those_of_the_tenants_it_holds(world, billing_year, users):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    every = run.shares.all()
    mine = selectors.shares_visible_to(users["partner_a"]).filter(run=run)
    held = set(world.partner_a.holdings.values_list("tenant_id", flat=True))
    expected = {s.pk for s in every if s.partner_id == world.partner_a.pk or s.tenant_id in held}
    assert expected and {s.pk for s in mine} == expected
    assert {s.pk for s in every} - expected  # partner B's own shares are not among them


class _Shown(tables.Table):
    name = tables.Column(empty_values=())
    day = lean_tables.DateColumn(format="d/m/Y", default="—")

    def render_name(self, record, value):
        return f"{record['first']} {value}"


class _Old(_Shown):
    day = tables.DateColumn(format="d/m/Y", default="—")  # django-tables2's, a template a cell


def test_a_cached_signature_is_the_one_inspect_gives():
    table = _Shown([])

    def plain(value, *args, record=None, **kwargs):
        return value

    for fn in (table.render_name, plain, _Shown.render_name, lambda: None):
        assert lean_tables.signature(fn) == lean_tables._original(fn)
    assert utils.signature is lean_tables.signature  # installed at start-up


@pytest.mark.parametrize(
    "value, shown",
    [
        (datetime.date(2026, 3, 9), "09/03/2026"),
        # A meeting at 23:30 UTC on 9 March is on 10 March in Paris.
        (datetime.datetime(2026, 3, 9, 23, 30, tzinfo=datetime.UTC), "10/03/2026"),
        (None, "—"),
    ],
)
def test_a_date_cell_reads_as_django_tables2_wrote_it(value, shown):
    rows = [{"first": "Claire", "name": "Martin", "day": value}]
    table = _Shown(rows)
    cells = dict(table.rows[0].items())
    assert [str(cell) for cell in cells.values()] == ["Claire Martin", shown]
    old = dict(_Old(rows).rows[0].items())
    assert [str(cell) for cell in old.values()] == ["Claire Martin", shown]


class _TenantDates(tables.Table):
    """A model's DateFields, as a table declares them: no column, no default given."""

    class Meta:
        model = Tenant
        fields = ["opened_on", "deployed_on", "closed_on"]


class _TenantDatesOld(tables.Table):
    opened_on = tables.DateColumn()
    deployed_on = tables.DateColumn()
    closed_on = tables.DateColumn()

    class Meta:
        model = Tenant
        fields = ["opened_on", "deployed_on", "closed_on"]


def test_a_model_date_field_gets_the_lean_column_and_the_same_cells():
    """Registered for DateFields (not DateTimeFields): an empty date is the table's "—" as
    django-tables2's template wrote it, not "None"."""
    assert isinstance(_TenantDates.base_columns["opened_on"], lean_tables.DateColumn)
    assert lean_tables.DateColumn.from_field(Tenant._meta.get_field("opened_on")) is not None
    assert lean_tables.DateColumn.from_field(models.DateTimeField(name="at")) is None
    tenants = [
        Tenant(code="T1", opened_on=datetime.date(2025, 1, 6), deployed_on=None),
        Tenant(
            code="T2", opened_on=datetime.date(2025, 2, 3), deployed_on=datetime.date(2025, 4, 1)
        ),
    ]
    new = [[str(cell) for _column, cell in row.items()] for row in _TenantDates(tenants).rows]
    old = [[str(cell) for _column, cell in row.items()] for row in _TenantDatesOld(tenants).rows]
    assert new == old == [["06/01/2025", "—", "—"], ["03/02/2025", "01/04/2025", "—"]]
