"""The billing rows of the permission matrix (merged into tests/test_permissions.MATRIX).

Secretaries get 403 on every billing page; partner users reach their own shares and recap
lines only (another partner's share is a 404).
"""

from billing.models import RunKind, VolumeImport
from billing.services import runs
from tests.billing_fixtures import build_billing_year, record_actuals

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
POST_MANAGERS = (LOGIN, 302, 403, 403, 403, 302)
READERS = (LOGIN, 200, 403, 200, 200, 200)
OWN_SHARE_OF_A = (LOGIN, 200, 403, 200, 404, 200)

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
}


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
    raise KeyError(key)
