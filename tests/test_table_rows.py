"""Rows written in Python (`ligeris.lib.tables.rows_html`) give django-tables2's own table,
whitespace between tags aside: the same cells, attributes (computed from the row or not),
localization and escaping, and the empty text."""

import datetime
import re
from decimal import Decimal

import django_tables2 as tables
from django.db.models import Value
from django.test import RequestFactory
from django.utils import translation
from django_tables2 import RequestConfig

from billing.models import RunKind
from billing.services import runs
from billing.tables import ShareTable
from ligeris.lib.tables import ROWS_IN_PYTHON
from partners.models import Partner
from partners.tables import PartnerTable


def _html(table_class, data, *, template: str | None = None, **params) -> str:
    request = RequestFactory().get("/", params)
    table = table_class(data, template_name=template) if template else table_class(data)
    RequestConfig(request, paginate={"per_page": 5}).configure(table)
    html = table.as_html(request)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def _both(table_class, data, **params) -> tuple[str, str]:
    default = _html(table_class, data, template="django_tables2/table.html", **params)
    return default, _html(table_class, data, template=ROWS_IN_PYTHON, **params)


class Hostile(tables.Table):
    name = tables.Column(attrs={"td": {"data-len": lambda value: len(value)}})
    amount = tables.Column(localize=True, attrs={"td": {"class": "num"}})
    raw = tables.Column(accessor="amount", localize=False, verbose_name="brut")
    day = tables.Column()
    note = tables.Column(empty_values=(), attrs={"cell": {"class": "c"}})

    class Meta:
        row_attrs = {"data-id": lambda record: record["id"]}
        empty_text = "Rien <ici>"

    def render_note(self, record) -> str:
        return f"<b>{record['name']}</b>"  # not marked safe: escaped


def test_rows_in_python_give_django_tables2s_table():
    rows = [
        {
            "id": index,
            "name": f"<Nom & {index}>",
            "amount": Decimal("1234.5") * index,
            "day": datetime.date(2026, 1, index),
        }
        for index in range(1, 8)
    ]
    with translation.override("fr"):
        for params in ({}, {"page": 2}, {"sort": "-name"}):
            default, mine = _both(Hostile, rows, **params)
            assert mine == default
            assert "&lt;b&gt;" in mine and 'data-len="9"' in mine and 'class="num"' in mine
    default, mine = _both(Hostile, [])
    assert mine == default and "Rien &lt;ici&gt;" in mine


def test_the_partners_and_shares_tables_are_unchanged(world, billing_year):
    run = runs.run_create(fiscal_year=billing_year.fiscal_year, kind=RunKind.BUDGET)
    partners = Partner.objects.select_related("organisation").order_by("name")
    annotated = partners.annotate(tenant_count=Value(1), paid_count=Value(0))
    for table_class, data in ((PartnerTable, annotated), (ShareTable, run.shares.all())):
        assert table_class._meta.template_name == ROWS_IN_PYTHON
        for params in ({}, {"page": 2}):
            default, mine = _both(table_class, data, **params)
            assert mine == default
            assert "<td" in mine
