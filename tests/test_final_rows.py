"""Final rows (closed minutes, issued titres and what hangs on them) refuse any change through
the ORM and the Django admin, on SQLite and on PostgreSQL: nothing changes, the admin answers
403. Raw SQL is refused by PostgreSQL: `test_final_rows_postgres.py`.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.deletion import ProtectedError
from django.urls import NoReverseMatch, reverse

from ligeris.lib.final import FinalRows
from tests.final_rows import FINAL_TABLES, OPEN_ROWS, WRITTEN_ONCE, Records, Table

TABLES = {table.model: table for table in FINAL_TABLES}


def test_the_list_of_final_tables_is_every_model_with_final_rows():
    declared = {m for m in apps.get_models() if issubclass(m, FinalRows)}
    assert set(TABLES) | {m for m in WRITTEN_ONCE if issubclass(m, FinalRows)} == declared


@pytest.mark.parametrize("model", list(TABLES), ids=lambda m: m._meta.db_table)
def test_a_cascade_reaches_final_rows_only_from_a_final_parent(model):
    """Every foreign key of a final row protects it, or cascades from a row that is checked."""
    for field in model._meta.concrete_fields:
        if not field.is_relation:
            continue
        on_delete = field.remote_field.on_delete
        assert on_delete is models.PROTECT or (
            on_delete is models.CASCADE and issubclass(field.related_model, FinalRows)
        ), field


def _refused(records: Records, table: Table, action, what: str = "") -> None:
    before = records.take()
    with pytest.raises(ValidationError) as refused:
        action()
        pytest.fail(f"{what}: not refused")
    assert table.message in " ".join(refused.value.messages), what
    assert records.take() == before, what


def _fresh(records: Records, table: Table, which: str = "final"):
    return table.model._base_manager.get(pk=records.row(table, which).pk)


def _copy(records: Records, table: Table):
    """A new row copied from one of the table, changed by `table.insert`."""
    source = records.source(table)
    row = table.model._base_manager.get(pk=source.pk)
    row.pk = None
    for column, value in table.insert.items():
        setattr(row, column, records.resolve(value))
    return row


def orm_writes(records: Records, table: Table) -> dict:
    """Every way the ORM writes a row, each aimed at a final row (or under a refused parent)."""
    model, (column, value) = table.model, table.update

    def changed(which="final", **values):
        row = _fresh(records, table, which)
        for name, new in (values or {column: value}).items():
            setattr(row, name, new)
        return row

    def rows(which="final"):
        return model.objects.filter(pk=records.row(table, which).pk)

    writes = {
        "save": lambda: changed().save(),
        "delete": lambda: _fresh(records, table).delete(),
        "queryset update": lambda: rows().update(**{column: value}),
        "bulk_update": lambda: model.objects.bulk_update([changed()], [column]),
        "queryset delete": lambda: rows().delete(),
    }
    if table.insert is not None and table.orm_insert:
        writes["new row"] = lambda: _copy(records, table).save()
        writes["bulk_create"] = lambda: model.objects.bulk_create([_copy(records, table)])
    if table.parent:
        field, refused, other = (table.parent[0], *map(records.resolve, table.parent[1:]))
        moved_out = {f"{field}_id": other}
        writes["move out"] = lambda: changed(**moved_out).save()
        writes["move out (update)"] = lambda: rows().update(**moved_out)
        if model._meta.model_name in OPEN_ROWS:
            moved_in = {f"{field}_id": refused}
            writes["move in"] = lambda: changed("open", **moved_in).save()
            writes["move in (update)"] = lambda: rows("open").update(**moved_in)
            writes["move in (bulk_update)"] = lambda: model.objects.bulk_update(
                [changed("open", **moved_in)], [field]
            )
    return writes


@pytest.mark.parametrize("table", FINAL_TABLES, ids=str)
def test_every_orm_write_of_a_final_row_is_refused(records, table):
    for what, write in orm_writes(records, table).items():
        _refused(records, table, write, what)


def test_open_rows_still_change(records):
    """The guards refuse final rows only: the open meeting and the draft titre still change."""
    meeting = records.open["meeting"]
    type(meeting).objects.filter(pk=meeting.pk).update(place="Tours")
    line = records.open["titreline"]
    type(line).objects.filter(pk=line.pk).update(label="Corrigé")
    assert type(line).objects.get(pk=line.pk).label == "Corrigé"


def test_a_run_is_locked_once(records):
    run = _fresh(records, TABLES[apps.get_model("billing", "AllocationRun")])
    _refused(
        records,
        TABLES[type(run)],
        lambda: run.save(update_fields=["locked_at"]),
    )


def test_the_sequence_only_moves_forward(records):
    """Forward by one or by a batch's count (the issuing services; PostgreSQL checks at commit
    that every number up to it is issued); never back, never in place, nothing else changed."""
    table = TABLES[apps.get_model("titres", "TitreSequence")]
    sequence = _fresh(records, table)
    sequence.last_number -= 1
    _refused(records, table, sequence.save)
    sequence.last_number += 1
    _refused(records, table, sequence.save)
    sequence.last_number += 2
    sequence.year += 1
    _refused(records, table, sequence.save)


# --- Cascades from a parent ------------------------------------------------------------------


def _parents(records: Records, world, copil):
    titre = records.final["titre"]
    return [
        copil.body,
        copil.seat(world.partner_a),
        copil.people[world.coordinator.pk],  # chair and secretary
        world.partner_b,
        world.tenant_a,
        world.consortium,
        titre.batch,
        titre.fiscal_year,
        titre.run,
    ]


def test_no_parent_deletion_takes_final_rows_with_it(records, world, copil):
    for parent in _parents(records, world, copil):
        before = records.take()
        with pytest.raises((ProtectedError, ValidationError)):
            parent.delete()
        with pytest.raises((ProtectedError, ValidationError)):
            type(parent).objects.filter(pk=parent.pk).delete()
        assert records.take() == before, parent


# --- The Django admin ------------------------------------------------------------------------

REGISTERED = [t for t in FINAL_TABLES if t.model in admin.site._registry]


def _admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def test_the_governance_and_billing_admins_are_read_only(rf, users):
    request = rf.get("/")
    request.user = users["admin"]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("governance", "billing", "titres"):
            continue
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_change_permission(request), (model, inline)


@pytest.mark.parametrize("table", [t for t in FINAL_TABLES if t not in REGISTERED], ids=str)
def test_final_tables_not_in_the_admin_have_no_page(table):
    with pytest.raises(NoReverseMatch):
        _admin_url(table.model, "change", 1)


@pytest.mark.parametrize("table", REGISTERED, ids=str)
def test_the_admin_shows_a_final_row_and_refuses_every_write(records, table, client_for):
    client = client_for("admin")
    row = records.row(table)
    before = records.take()
    page = client.get(_admin_url(table.model, "change", row.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    column, value = table.update
    assert (
        client.post(_admin_url(table.model, "change", row.pk), {column: value}).status_code == 403
    )
    assert (
        client.post(_admin_url(table.model, "delete", row.pk), {"post": "yes"}).status_code == 403
    )
    assert client.get(_admin_url(table.model, "delete", row.pk)).status_code == 403
    assert client.get(_admin_url(table.model, "add")).status_code == 403
    assert client.post(_admin_url(table.model, "add"), {column: value}).status_code == 403
    action = client.post(
        _admin_url(table.model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert action.status_code in (200, 302)
    assert records.take() == before


def test_the_admin_pages_of_a_closed_meeting_and_its_decision_open(records, client_for):
    client = client_for("admin")
    meeting, decision = records.final["meeting"], records.final["decision"]
    page = client.get(_admin_url(type(meeting), "change", meeting.pk))
    assert page.status_code == 200
    assert "Feuille de route 2026" in page.text  # its agenda, shown inline
    page = client.get(_admin_url(type(decision), "change", decision.pk))
    assert page.status_code == 200
    assert meeting.get_absolute_url() in page.text  # "view on site": the meeting's page


def test_deleting_a_parent_from_the_partners_admin_is_refused(records, world, copil, client_for):
    client = client_for("admin")
    before = records.take()
    for parent in (world.partner_b, world.tenant_a, copil.people[world.coordinator.pk]):
        url = _admin_url(type(parent), "delete", parent.pk)
        assert client.post(url, {"post": "yes"}).status_code == 200  # "protected objects"
        assert type(parent).objects.filter(pk=parent.pk).exists()
    assert records.take() == before
