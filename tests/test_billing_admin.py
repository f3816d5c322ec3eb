"""The billing admin shows and searches; it never writes, so it cannot bypass the services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from billing import models
from tests.billing_fixtures import record_actuals
from titres.models import FiscalYear

BILLING_MODELS = [
    FiscalYear,  # in titres, shown beside the grids it carries
    models.TariffGrid,
    models.TariffLine,
    models.CostPool,
    models.Expense,
    models.StaffTime,
    models.StorageVolume,
    models.VolumeImport,
    models.AllocationRun,
    models.Share,
]


def _url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_every_billing_model_is_registered_read_only(rf, users):
    request = rf.get("/")
    request.user = users["admin"]
    for model in BILLING_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert model_admin.show_auditlog_history_link, model


@pytest.mark.parametrize("model", BILLING_MODELS, ids=lambda m: m._meta.model_name)
def test_changelists_answer_for_the_administrator(model, two_runs, client_for):
    response = client_for("admin").get(_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0 or model is models.VolumeImport


def test_a_run_is_shown_without_save_and_a_post_changes_nothing(two_runs, client_for):
    client = client_for("admin")
    run = two_runs[0]
    page = client.get(_url(models.AllocationRun, "change", run.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert "Prévisionnel (terme à échoir)" in page.text
    response = client.post(
        _url(models.AllocationRun, "change", run.pk), {"total": "1", "version": "9"}
    )
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.version == 1
    assert run.total == two_runs[0].total
    assert client.get(_url(models.AllocationRun, "add")).status_code == 403
    assert (
        client.post(_url(models.AllocationRun, "delete", run.pk), {"post": "yes"}).status_code
        == 403
    )
    assert models.AllocationRun.objects.filter(pk=run.pk).exists()


def test_a_share_cannot_be_changed_or_deleted_from_the_admin(world, two_runs, client_for):
    client = client_for("admin")
    share = two_runs[0].shares.get(pool_code="heb", tenant=world.tenant_a)
    amount = share.amount
    page = client.get(_url(models.Share, "change", share.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert client.post(_url(models.Share, "change", share.pk), {"amount": "0"}).status_code == 403
    assert client.post(_url(models.Share, "delete", share.pk), {"post": "yes"}).status_code == 403
    share.refresh_from_db()
    assert share.amount == amount


def test_an_expense_is_not_edited_behind_the_services_back(billing_year, two_runs, client_for):
    client = client_for("admin")
    expense = billing_year.heb.expenses.get()
    response = client.post(
        _url(models.Expense, "change", expense.pk),
        {"pool": expense.pool_id, "invoice_date": "2025-01-01", "vendor": "X", "amount": "-5"},
    )
    assert response.status_code == 403
    expense.refresh_from_db()
    assert expense.vendor == "Prestataire SAE"


def test_the_audit_history_of_a_pool_is_linked_and_opens(billing_year, client_for):
    client = client_for("admin")
    url = reverse("admin:billing_costpool_auditlog", args=[billing_year.heb.pk])
    assert url in client.get(_url(models.CostPool, "changelist")).text
    response = client.get(url)
    assert response.status_code == 200
    assert "Hébergement et maintenance" in response.text


def test_other_roles_do_not_reach_the_billing_admin(two_runs, client_for):
    response = client_for("finance").get(_url(models.AllocationRun, "changelist"))
    assert response.status_code == 302


def test_a_pool_in_the_admin_links_to_its_finance_page(billing_year, client_for):
    page = client_for("admin").get(_url(models.CostPool, "change", billing_year.heb.pk))
    assert f'href="{reverse("billing:pool_detail", args=[billing_year.heb.pk])}"' in page.text
    record_actuals(billing_year)
    expense = billing_year.heb.expenses.get()
    expense_admin = admin.site._registry[models.Expense]
    assert expense_admin.get_view_on_site_url(expense) == reverse(
        "billing:pool_detail", args=[billing_year.heb.pk]
    )
