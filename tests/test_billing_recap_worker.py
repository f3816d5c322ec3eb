"""A large year's recap workbook built by a real Celery worker on Redis (no eager mode): queued
twice, stored once; opened with openpyxl, its totals are those of the full computation."""

import io

import pytest
from openpyxl import load_workbook

from billing import recap, recap_export
from billing.models import RecapExport
from billing.tasks import build_recap_export
from tests.test_celery_worker import real_worker, redis_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.celery_worker


def test_the_recap_workbook_is_built_once_by_a_real_worker(
    real_worker,  # noqa: F811
    world,
    two_runs,
    billing_year,
    users,
    settings,
):
    settings.LIGERIS_RECAP_LARGE_ROWS = 10
    budget, actual = two_runs
    export = RecapExport.objects.create(
        fiscal_year=billing_year.fiscal_year, budget_run=budget, actual_run=actual
    )
    # Two at once (two threads on PostgreSQL): whichever finishes first stores its workbook.
    queued = [build_recap_export.delay(export.pk), build_recap_export.apply_async([export.pk])]
    assert sorted(result.get(timeout=120) for result in queued) == [False, True]

    export.refresh_from_db()
    data = bytes(export.xlsx)
    assert export.done_at is not None and not export.error
    assert export.sha256 == recap_export.sha256(data) and export.size == len(data)
    assert export.rows_done == export.rows_total > 0 and export.percent == 100
    workbook = load_workbook(io.BytesIO(data))
    full = recap.recap_for(billing_year.fiscal_year, users["finance"])
    tenants = list(workbook["Par tenant"].iter_rows(min_row=4, values_only=True))
    assert tenants[-1][4:6] == (float(full.budget_total), float(full.actual_total))
    assert [row[1] for row in tenants[:-1]] == [row.code for row in full.rows]
    assert build_recap_export.delay(export.pk).get(timeout=60) is False  # stored: nothing more
