"""The attendance and vote sheets posted as a browser posts them, at 10× the size: the same
queries, every changed row audited, the same refusals; the vote of the whole with its exceptions;
the compact minutes of a large meeting (issue 17)."""

import datetime
import html
import io

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from governance import minutes
from governance.models import AgendaItem, Attendance, Vote
from governance.selectors import history_of_meeting, vote_base
from governance.services.attendance import AttendanceEntry, attendance_record
from governance.sheet_forms import (
    PROXY_SELECT_MAX,
    SEATS_PER_PAGE,
    VOTE_BULK_MIN,
    VOTES_PER_PAGE,
)
from ligeris.lib.audit import CREATE, DELETE, auditlog_disabled, bulk_log, log_updated
from ligeris.lib.roles import Role
from partners.models import Tenant
from tests.factories import UserFactory
from tests.scale_fixtures import analyze, bulk_committee


def _post(client, url: str, data: dict) -> tuple[int, object]:
    """The queries of a POST, INSERTs apart (SQLite cuts a bulk insert in batches)."""
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302, html.unescape(response.text)[-3000:]
    inserts = sum(1 for q in queries.captured_queries if q["sql"].startswith("INSERT"))
    return len(queries) - inserts, response


def _attendance_data(committee) -> tuple[dict, int]:
    """The sheet's first page as the fixture recorded it, but each proxy moved to the seat two
    before when that one is present; and how many moved (a large sheet shows its first
    `SEATS_PER_PAGE` seats in the body's order, the others keep what is recorded)."""
    data, moved = {}, 0
    rows = {r.seat_id: r for r in committee.meeting.attendances.all()}
    seats = committee.seats
    ordered = list(committee.meeting.body.seats.filter(is_active=True).values_list("pk", flat=True))
    shown = set(ordered[:SEATS_PER_PAGE] if len(ordered) > PROXY_SELECT_MAX else ordered)
    for index, seat in enumerate(seats):
        if seat.pk not in shown:
            continue
        row = rows[seat.pk]
        data[f"status_{seat.pk}"] = row.status
        data[f"proxy_{seat.pk}"] = ""
        if row.status == "proxy":
            holder = seats[index - 2]
            if rows[holder.pk].status == "present":
                moved += 1
            else:
                holder = row.proxy_to
            data[f"proxy_{seat.pk}"] = str(holder)
    return data, moved


def _record(client, user, size: int) -> dict:
    committee = bulk_committee(size)
    user.consortia.set([committee.body.consortium_id])  # each committee is a consortium's
    meeting = committee.meeting
    item = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    counts = {}
    data, moved = _attendance_data(committee)
    assert moved
    history = history_of_meeting(meeting).filter(content_type__model="attendance")
    before = history.count()
    counts["attendance"], _ = _post(
        client, reverse("governance:attendance", args=[meeting.pk]), data
    )
    # Each moved proxy: its row deleted and written again, two entries each.
    assert history.count() == before + 2 * moved
    analyze()

    url = reverse("governance:votes", args=[item.pk])
    voters = vote_base(meeting).voters(item.decision)
    speaking = [v for v in voters if v.voices]
    data = {"bulk": "for"}
    for voter in voters:
        data[f"choice_{voter.tenant.pk}"] = ""
        data[f"voice_{voter.tenant.pk}"] = str(voter.voices[0].cast_by.pk) if voter.voices else ""
    counts["votes"], _ = _post(client, url, data)
    assert Vote.objects.filter(decision=item.decision, choice="for").count() == len(speaking)
    for voter in speaking[:10]:  # ten exceptions to the whole
        data[f"choice_{voter.tenant.pk}"] = "against"
    data[f"choice_{speaking[10].tenant.pk}"] = "none"
    counts["votes corrected"], _ = _post(client, url, data)
    votes = Vote.objects.filter(decision=item.decision)
    assert votes.filter(choice="against").count() == 10
    assert votes.count() == len(speaking) - 1
    entries = history_of_meeting(meeting).filter(content_type__model="vote")
    # Created once each, then ten rewritten (deleted and created) and one deleted.
    assert entries.filter(action=LogEntry.Action.CREATE).count() == len(speaking) + 10
    assert entries.filter(action=LogEntry.Action.DELETE).count() == 11
    return counts


def test_sheets_posted_whole_take_the_same_queries_at_ten_times_the_size(client, db):
    user = UserFactory(email="s@example.org", role=Role.SECRETARY)
    client.force_login(user)
    small = _record(client, user, VOTE_BULK_MIN + 20)
    large = _record(client, user, 10 * (VOTE_BULK_MIN + 20))
    assert small == large, (small, large)


def test_the_vote_of_the_whole_is_read_back_with_its_exceptions(client, db):
    committee = bulk_committee(VOTE_BULK_MIN + 20)
    item = AgendaItem.objects.filter(meeting=committee.meeting).order_by("position").first()
    client.force_login(UserFactory(email="s@example.org", role=Role.SECRETARY))
    url = reverse("governance:votes", args=[item.pk])
    page = client.get(url).text
    assert "Vote de l&#x27;ensemble des tenants représentés" in page
    voters = [v for v in vote_base(committee.meeting).voters(item.decision) if v.voices]
    data = {"bulk": "against"} | {f"voice_{v.tenant.pk}": "" for v in voters}
    data[f"choice_{voters[0].tenant.pk}"] = "abstain"
    assert client.post(url, data).status_code == 302
    page = client.get(url).text
    # The whole's vote comes back selected, the exception on its row, the others follow.
    bulk = page.split('<select name="bulk" id="id_bulk">', 1)[1].split("</select>", 1)[0]
    assert '<option value="against" selected>Contre</option>' in bulk
    assert f'name="choice_{voters[0].tenant.pk}"' in page
    row = page.split(f'name="choice_{voters[0].tenant.pk}"', 1)[1].split("</select>", 1)[0]
    assert '<option value="abstain" selected>' in row
    row = page.split(f'name="choice_{voters[1].tenant.pk}"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Comme l&#x27;ensemble</option>' in row


def test_a_page_of_a_large_sheet_saves_its_rows_and_keeps_the_others(client, db):
    committee = bulk_committee(VOTE_BULK_MIN + 60)
    item = AgendaItem.objects.filter(meeting=committee.meeting).order_by("position").first()
    client.force_login(UserFactory(email="s@example.org", role=Role.SECRETARY))
    url = reverse("governance:votes", args=[item.pk])
    voters = vote_base(committee.meeting).voters(item.decision)
    assert len(voters) > VOTES_PER_PAGE
    speaking = [v for v in voters if v.voices]
    last = speaking[-1]  # on the last page
    # The last page: its last tenant against, the whole for; the other pages follow the whole.
    pages = -(-len(voters) // VOTES_PER_PAGE)
    page = client.get(f"{url}?page={pages}").text
    assert f'name="choice_{last.tenant.pk}"' in page
    assert f'name="choice_{voters[0].tenant.pk}"' not in page
    assert page.count('name="choice_') == len(voters) - VOTES_PER_PAGE * (pages - 1)
    response = client.post(
        f"{url}?page={pages}", {"bulk": "for", f"choice_{last.tenant.pk}": "against"}
    )
    assert response.status_code == 302
    votes = dict(Vote.objects.filter(decision=item.decision).values_list("tenant_id", "choice"))
    assert len(votes) == len(speaking)
    assert votes[last.tenant.pk] == "against"
    assert votes[speaking[0].tenant.pk] == "for"
    # The first page saved with the whole now abstaining: the last page's exception stays.
    first = speaking[0]
    data = {"bulk": "abstain", f"choice_{first.tenant.pk}": "none"}
    assert client.post(url, data).status_code == 302
    votes = dict(Vote.objects.filter(decision=item.decision).values_list("tenant_id", "choice"))
    assert first.tenant.pk not in votes
    assert votes[last.tenant.pk] == "against"
    assert votes[speaking[1].tenant.pk] == "abstain"
    assert len(votes) == len(speaking) - 1
    # Read back: the exceptions counted, a search shows the row that names them.
    page = html.unescape(client.get(f"{url}?q={last.tenant.code}").text)
    assert "2 tenants ne suivent pas le vote de l'ensemble" in page
    assert f'name="choice_{last.tenant.pk}"' in page
    assert page.count('name="choice_') < VOTES_PER_PAGE


def test_a_page_of_a_large_attendance_sheet_keeps_the_other_pages(client, db):
    committee = bulk_committee(PROXY_SELECT_MAX + 50)
    meeting = committee.meeting
    client.force_login(UserFactory(email="s@example.org", role=Role.SECRETARY))
    url = reverse("governance:attendance", args=[meeting.pk])
    ordered = list(meeting.body.seats.filter(is_active=True))
    before = {r.seat_id: (r.status, r.proxy_to_id) for r in meeting.attendances.all()}
    page = client.get(f"{url}?page=2").text
    assert page.count('name="status_') == len(ordered) - SEATS_PER_PAGE
    assert f'name="status_{ordered[0].pk}"' not in page
    # The second page: its last member now absent; the first page's rows are not posted.
    data = {}
    for seat in ordered[SEATS_PER_PAGE:]:
        status, holder = before[seat.pk]
        data[f"status_{seat.pk}"] = status
        data[f"proxy_{seat.pk}"] = str(next(s for s in ordered if s.pk == holder)) if holder else ""
    last = ordered[-1]
    if before[last.pk][0] == "present" and any(h == last.pk for _s, h in before.values()):
        last = ordered[-2]  # one holding no proxy
    data[f"status_{last.pk}"], data[f"proxy_{last.pk}"] = "absent", ""
    assert client.post(f"{url}?page=2", data).status_code == 302
    after = {r.seat_id: (r.status, r.proxy_to_id) for r in meeting.attendances.all()}
    assert after == {**before, last.pk: ("absent", None)}


def test_a_large_sheet_keeps_the_refusals(client, db):
    committee = bulk_committee(VOTE_BULK_MIN + 20)
    meeting = committee.meeting
    item = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    client.force_login(UserFactory(email="s@example.org", role=Role.SECRETARY))
    url = reverse("governance:votes", args=[item.pk])
    # Nothing chosen, for the whole nor any row: refused as before, nothing recorded.
    response = client.post(url, {"bulk": ""})
    assert "Aucun vote n'est saisi" in html.unescape(response.text)
    # A tenant nobody speaks for, voted on its row: refused, and the whole with it.
    silent = next(v for v in vote_base(meeting).voters(item.decision) if not v.voices)
    # (posted from the page that shows its row: the search by its code)
    on_its_page = f"{url}?q={silent.tenant.code}"
    response = client.post(on_its_page, {"bulk": "for", f"choice_{silent.tenant.pk}": "for"})
    assert response.status_code == 200
    assert "le votant ne siège pas dans cette instance" in html.unescape(response.text)
    assert not Vote.objects.filter(decision=item.decision).exists()
    # The attendance sheet: a proxy to a member who is not present is refused, nothing changes.
    before = sorted(Attendance.objects.values_list("seat_id", "status", "proxy_to_id"))
    data, _moved = _attendance_data(committee)
    absent = next(r.seat for r in meeting.attendances.all() if r.status == "absent")
    giver = next(n for n, v in data.items() if n.startswith("proxy_") and v)
    data[giver] = str(absent)
    response = client.post(reverse("governance:attendance", args=[meeting.pk]), data)
    assert "qui n'est pas présent" in html.unescape(response.text)
    assert sorted(Attendance.objects.values_list("seat_id", "status", "proxy_to_id")) == before


def _entries(model, pk) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(model)
    return list(
        LogEntry.objects.filter(content_type=content_type, object_pk=str(pk)).order_by("-pk")
    )


def _same(in_bulk: LogEntry, by_signal: LogEntry) -> None:
    """The same entry; only the row's own columns (auditlog also names each reverse relation
    of a created row, as "None" to "app.Model.None": a query each, nothing said)."""
    assert in_bulk.pk != by_signal.pk
    for name in ("action", "object_repr", "object_id", "additional_data"):
        assert getattr(in_bulk, name) == getattr(by_signal, name), name
    model = in_bulk.content_type.model_class()
    columns = {f.name for f in model._meta.concrete_fields}
    assert in_bulk.changes == {k: v for k, v in by_signal.changes.items() if k in columns}


def test_bulk_audit_entries_are_those_auditlogs_signals_write(db):
    """The entries written in bulk (ligeris.lib.audit) equal auditlog's own, row for row."""
    committee = bulk_committee(4)
    tenant = Tenant.objects.create(
        consortium=committee.body.consortium,
        code="zz1",
        name="Essai",
        opened_on=datetime.date(2024, 1, 1),
    )
    bulk_log([tenant], CREATE)  # after the signal's own entry
    in_bulk, by_signal = _entries(Tenant, tenant.pk)[:2]
    _same(in_bulk, by_signal)
    # Updated: the fields written, as save(update_fields=...) logs them.
    old = Tenant.objects.get(pk=tenant.pk)
    tenant.name = "Essai renommé"
    tenant.save(update_fields=["name"])
    log_updated([(old, tenant)], ["name"])
    in_bulk, by_signal = _entries(Tenant, tenant.pk)[:2]
    _same(in_bulk, by_signal)
    assert in_bulk.changes == {"name": ["Essai", "Essai renommé"]}
    # Deleted: the same entry as a delete() leaves.
    pk = tenant.pk
    bulk_log([tenant], DELETE)
    tenant.delete()
    by_signal, in_bulk = _entries(Tenant, pk)[:2]
    _same(in_bulk, by_signal)
    # A governance row of a sheet: its entry in bulk is the one its save() leaves.
    row = Attendance.objects.filter(meeting=committee.meeting).select_related("seat__person")
    row = row.select_related("seat__partner").first()
    with auditlog_disabled():
        row.delete()
    row.pk = None
    row.save()
    bulk_log([row], CREATE, additional_data={"meeting_id": committee.meeting.pk})
    in_bulk, by_signal = _entries(Attendance, row.pk)[:2]
    _same(in_bulk, by_signal)


def test_the_minutes_of_a_large_meeting_name_everyone_in_runs_of_text(db):
    committee = bulk_committee(minutes.COMPACT_FROM + 20)
    meeting = committee.meeting
    context = minutes.minutes_context(meeting)
    assert context["compact"]
    lines = context["present_lines"] + context["proxy_lines"] + context["absent_lines"]
    text = " ".join(context["present_runs"] + context["proxy_runs"] + context["absent_runs"])
    assert all(line in text for line in lines)
    assert len(context["present_runs"]) == -(-len(context["present_lines"]) // minutes.RUN_LENGTH)
    pdf = minutes.minutes_pdf(meeting)
    pages = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    pages = " ".join(pages.split())
    present = len(context["present_lines"])
    assert f"Présents ({present}) :" in pages
    assert f"Excusés ayant donné pouvoir ({len(context['proxy_lines'])}) :" in pages
    assert "Martin" in pages


def test_an_attendance_written_from_values_is_audited_as_its_rows_would_be(db):
    """The sheet's new rows are inserted from their values: the same rows, returned as stored,
    and the same audit entries as `bulk_log` writes for the rows as instances."""
    committee = bulk_committee(8)
    meeting = committee.meeting
    rows = list(meeting.attendances.select_related("seat__person", "seat__partner", "proxy_to"))
    assert any(row.proxy_to_id for row in rows)
    with auditlog_disabled():
        meeting.attendances.all().delete()
    entries = [AttendanceEntry(row.seat, row.status, row.proxy_to) for row in rows]
    recorded = attendance_record(meeting=meeting, entries=entries)
    shape = [(r.seat_id, r.status, r.proxy_to_id) for r in rows]
    assert [(r.seat_id, r.status, r.proxy_to_id) for r in recorded] == shape
    assert all(r.pk and not r._state.adding for r in recorded)
    stored = meeting.attendances.select_related("seat__person", "seat__partner")
    assert {r.pk for r in stored} == {r.pk for r in recorded}
    for row in stored:
        bulk_log([row], CREATE, additional_data={"meeting_id": meeting.pk})
        by_instance, from_values = _entries(Attendance, row.pk)[:2]
        assert from_values.object_repr == str(row)
        _same(from_values, by_instance)
