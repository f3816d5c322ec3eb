"""The titres list, the overdue page, the decision register and the meeting page after their
profiling round (issue 17, pages17): the titres and decisions tables written in Python give
django-tables2's rows, the titres list reads no snapshot, and the meeting page reads its
attendance page by keys, never a subquery the database would join in full."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from billing.services import titres
from billing.tables import TitreTable
from governance import selectors as governance_selectors
from governance.meeting_page import AttendanceRows
from governance.tables import DecisionTable
from ligeris.lib.tables import ROWS_IN_PYTHON
from tests.scale_fixtures import bulk_committee
from tests.test_pages_scale_portal import _closed_meeting
from tests.test_table_rows import _both, _html
from tests.titre_fixtures import issued
from titres import titre_selectors

#: The titre's whole snapshot selected as a column (its heading alone is `snapshot -> …`).
WHOLE_SNAPSHOT = re.compile(r'"billing_revenuetitle"\."snapshot"(, "| FROM)')


class TitreTableBefore(TitreTable):
    """The table as it was: its kind read from `kind` (hence `get_kind_display`), rendered by
    django-tables2's template."""

    kind = tables.Column(verbose_name=_("Nature"))

    class Meta(TitreTable.Meta):
        template_name = "django_tables2/table.html"


def _titres_list(user):
    full = titre_selectors.titres_visible_to(user).order_by("-exercise", "-number")
    return full, titre_selectors.listed(full)


def test_the_titres_table_gives_the_rows_django_tables2_gave(issued_batch, users):
    first = issued(issued_batch)[0]
    titres.payment_record(
        titre=first, paid_on=datetime.date(2026, 2, 2), amount=Decimal("10.00"), reference="V1"
    )
    assert TitreTable._meta.template_name == ROWS_IN_PYTHON
    full, deferred = _titres_list(users["finance"])
    with translation.override("fr"):
        for params in ({}, {"sort": "kind"}, {"sort": "-kind"}, {"sort": "-balance"}):
            before = _html(TitreTableBefore, full, **params)
            for data in (full, deferred):
                assert _html(TitreTable, data, template=ROWS_IN_PYTHON, **params) == before
            assert "Titre annuel" in before and "En retard" in before


def test_the_decisions_table_gives_the_rows_django_tables2_gave(world, copil, users):
    _closed_meeting(world, copil, 7, day=1)
    assert DecisionTable._meta.template_name == ROWS_IN_PYTHON
    decisions = governance_selectors.decisions_visible_to(users["finance"], world.consortium)
    with translation.override("fr"):
        for params in ({}, {"page": 2}, {"sort": "result"}):
            default, mine = _both(DecisionTable, decisions, **params)
            assert mine == default and "Décision 1-0" in mine


def test_the_titres_list_reads_no_snapshot_and_shows_the_headings(issued_batch, users, client_for):
    client = client_for("finance")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("billing:titre_list")).text
    assert not [q["sql"] for q in queries if WHOLE_SNAPSHOT.search(q["sql"])]
    assert page.count(">Titre annuel (terme à échoir)</td>") == len(issued(issued_batch))


def test_the_meeting_page_reads_its_attendance_rows_by_key(db):
    meeting = bulk_committee(60).meeting
    with CaptureQueriesContext(connection) as queries:
        rows = AttendanceRows(meeting)[10:20]
    assert len(rows) == 10 and len(queries) == 2
    assert "IN (SELECT" not in queries[1]["sql"]
