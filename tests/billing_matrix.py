"""The billing rows of the permission matrix (merged into tests/test_permissions.MATRIX).

Secretaries get 403 on every billing page; partner users reach their own shares and recap
lines only (another partner's share is a 404).
"""

from decimal import Decimal

from billing.models import RunKind, VolumeImport
from billing.services import runs, titres
from tests.billing_fixtures import build_billing_year, record_actuals
from tests.pes_fixtures import PES_CODES
from tests.titre_fixtures import ISSUE_DATE, settings_for
from titres.models import RevenueTitle
from titres.tasks import render_missing

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
POST_MANAGERS = (LOGIN, 302, 403, 403, 403, 302)
READERS = (LOGIN, 200, 403, 200, 200, 200)
OWN_SHARE_OF_A = (LOGIN, 200, 403, 200, 404, 200)
PARTNERS_ONLY = (LOGIN, 403, 403, 200, 200, 403)

BILLING_MATRIX = {
    "billing:index": ("get", None, MANAGERS_ONLY),
    "billing:year_create": ("get", None, MANAGERS_ONLY),
    "billing:year_detail": ("get", "billing_year", MANAGERS_ONLY),
    "billing:tariff_line_create": ("get", "billing_year", MANAGERS_ONLY),
    "billing:grid_copy": ("get", "billing_year", MANAGERS_ONLY),
    "billing:tariff_line_update": ("get", "billing_tariff_line", MANAGERS_ONLY),
    "billing:tariff_line_delete": ("post", "billing_tariff_line", POST_MANAGERS),
    "billing:expense_update": ("get", "billing_expense", MANAGERS_ONLY),
    "billing:expense_delete": ("post", "billing_expense", POST_MANAGERS),
    "billing:pool_create": ("get", "billing_year", MANAGERS_ONLY),
    "billing:pool_detail": ("get", "billing_pool", MANAGERS_ONLY),
    "billing:pool_update": ("get", "billing_pool", MANAGERS_ONLY),
    "billing:expense_create": ("get", "billing_pool", MANAGERS_ONLY),
    "billing:staff_time_create": ("get", "billing_staff_pool", MANAGERS_ONLY),
    "billing:staff_time_update": ("get", "billing_staff_time", MANAGERS_ONLY),
    "billing:staff_time_delete": ("post", "billing_staff_time", POST_MANAGERS),
    "billing:volume_list": ("get", None, MANAGERS_ONLY),
    "billing:volume_create": ("get", None, MANAGERS_ONLY),
    "billing:volume_update": ("get", "billing_volume", MANAGERS_ONLY),
    "billing:volume_import": ("get", None, MANAGERS_ONLY),
    "billing:volume_import_apply": ("post", "billing_volume_import", POST_MANAGERS),
    "billing:run_create": ("post", "billing_year", POST_MANAGERS),
    "billing:run_detail": ("get", "billing_run", MANAGERS_ONLY),
    "billing:my_shares": ("get", None, READERS),
    "billing:share_detail": ("get", "billing_share_of_a", OWN_SHARE_OF_A),
    "billing:trueup": ("get", "billing_year", MANAGERS_ONLY),
    "billing:recap": ("get", "billing_year", READERS),
    "billing:recap_xlsx": ("get", "billing_year", READERS),
    "billing:recap_pdf": ("get", "billing_year", READERS),
    "billing:recap_rows": ("get", "billing_year", READERS),
    "billing:recap_export": ("get", "billing_year", READERS),
    "billing:recap_export_progress": ("get", "billing_year", READERS),
    "billing:titre_list": ("get", None, MANAGERS_ONLY),
    "billing:titre_settings": ("get", None, MANAGERS_ONLY),
    "billing:overdue": ("get", None, MANAGERS_ONLY),
    "billing:titre_detail": ("get", "billing_titre_of_a", OWN_SHARE_OF_A),
    "billing:titre_pdf": ("get", "billing_titre_of_a", OWN_SHARE_OF_A),
    "billing:payment_create": ("get", "billing_titre_of_a", MANAGERS_ONLY),
    "billing:payment_reverse": ("get", "billing_payment_of_a", MANAGERS_ONLY),
    "billing:refund_create": ("get", "billing_titre_of_a", MANAGERS_ONLY),
    "billing:titre_correct": ("get", "billing_titre_of_a", MANAGERS_ONLY),
    "billing:titre_recovery": ("post", "billing_draft_titre", POST_MANAGERS),
    "billing:drafts_from_run": ("get", "billing_year", MANAGERS_ONLY),
    "billing:drafts_from_trueup": ("get", "billing_year", MANAGERS_ONLY),
    "billing:batch_detail": ("get", "billing_issued_batch", MANAGERS_ONLY),
    "billing:batch_progress": ("get", "billing_issued_batch", MANAGERS_ONLY),
    # The first POST shows what issuing will do (200); only the confirmed POST issues.
    "billing:batch_issue": ("post", "billing_draft_batch", MANAGERS_ONLY),
    "billing:batch_delete": ("post", "billing_draft_batch", POST_MANAGERS),
    "billing:batch_resume": ("post", "billing_issued_batch", POST_MANAGERS),
    "billing:my_titres": ("get", None, PARTNERS_ONLY),
    # The accountant's files of an issued batch (PDFs rendered, PES codes set).
    "titres:batch_pes": ("get", "billing_pes_batch", MANAGERS_ONLY),
    "titres:batch_accounting_csv": ("get", "billing_pes_batch", MANAGERS_ONLY),
    "titres:batch_accounting_xlsx": ("get", "billing_pes_batch", MANAGERS_ONLY),
}


def draft_batch(world, run):
    settings_for(world)
    batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    return batch


def issued_batch(world, run):
    batch = draft_batch(world, run)
    for titre in batch.titres.filter(below_threshold=True):
        titres.titre_decide_recovery(titre=titre, recover=True)
    batch = titres.batch_issue(batch=batch)
    render_missing(batch.pk)  # the task runs on commit, which a test transaction never reaches
    return batch


def billing_args(world, key: str) -> list:
    year = build_billing_year(world)
    if key == "billing_year":
        return [year.fiscal_year.year]
    if key == "billing_tariff_line":
        return [year.fiscal_year.grid.lines.get(code="tj").pk]
    if key == "billing_pool":
        return [year.heb.pk]
    if key == "billing_staff_pool":
        return [year.rh.pk]
    if key == "billing_staff_time":
        record_actuals(year)
        return [year.rh.staff_times.get().pk]
    if key == "billing_volume":
        return [world.tenant_a.volumes.get().pk]
    if key == "billing_expense":
        record_actuals(year)
        return [year.heb.expenses.get().pk]
    if key == "billing_volume_import":
        volume_import = VolumeImport.objects.create(
            consortium=world.consortium,
            file_name="v.csv",
            sha256="0" * 64,
            rows=[{"line": 2, "tenant": "blois", "measured_on": "2026-01-01", "gigabytes": "5"}],
        )
        return [volume_import.pk]
    run = runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.BUDGET)
    if key == "billing_run":
        return [run.pk]
    if key == "billing_share_of_a":
        return [run.shares.get(pool_code="heb", tenant=world.tenant_a).pk]
    if key == "billing_draft_batch":
        return [draft_batch(world, run).pk]
    if key == "billing_draft_titre":
        return [draft_batch(world, run).titres.order_by("pk").first().pk]
    if key == "billing_issued_batch":
        return [issued_batch(world, run).pk]
    if key == "billing_pes_batch":
        batch = issued_batch(world, run)
        settings_for(world, **PES_CODES)
        return [batch.pk]
    if key == "billing_titre_of_a":
        batch = issued_batch(world, run)
        return [RevenueTitle.objects.get(batch=batch, tenant=world.tenant_a).pk]
    if key == "billing_payment_of_a":
        titre = RevenueTitle.objects.get(batch=issued_batch(world, run), tenant=world.tenant_a)
        payment = titres.payment_record(
            titre=titre, paid_on=ISSUE_DATE, amount=Decimal("100"), reference="P1"
        )
        return [titre.pk, payment.pk]
    raise KeyError(key)
