"""Benchmark: recording a meeting of 2,000 seats (3,000 tenants vote) and reading its pages.

Run with `make bench` (or `scripts/with-postgres .venv/bin/python bench/governance_scale.py`; on
PostgreSQL when `DATABASE_URL` is set, else a throwaway SQLite file). `--profile DIR` writes a
cProfile of each step there. Prints a Markdown table and writes it into docs/PERFORMANCE.md,
between its bench markers. Not a test: nothing here asserts a duration (the tests count queries).

The consortium is `manage.py generate_consortium` (2,000 partners, 3,000 tenants of which 308
shared, one year, one meeting of 2,000 seats, no titres). Its meeting's votes are cleared, then
each step is a request through Django's test client, as the secretary's browser sends it (the
form of the page posted; a large sheet shows its first page of 100 rows, the others keeping
what they say): the attendance sheet (all 2,000 rows written, then one proxy corrected), the
vote sheet of the first decision (every tenant with a voice following the whole, then again
with 30 changes), the meeting page, the vote sheet page and the minutes PDF (a large meeting's:
asked for, laid out by its task, run here in process as a worker would, then downloaded).
"""

import argparse
import contextlib
import cProfile
import datetime
import os
import platform
import re
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "ligeris.settings"
os.environ.setdefault("DEBUG", "0")  # no query log kept in memory
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
_VAR = tempfile.TemporaryDirectory(prefix="ligeris-bench-")
os.environ["LIGERIS_VAR_DIR"] = _VAR.name

import django  # noqa: E402

django.setup()
from ligeris.lib.scopes import unscope_script  # noqa: E402

unscope_script()  # a bench reads and writes every consortium's rows

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from governance.models import AgendaItem, Attendance, ItemKind, Meeting, Vote  # noqa: E402
from governance.services.votes import votes_clear  # noqa: E402
from governance.sheet_forms import VOTES_PER_PAGE, _unique_labels  # noqa: E402
from governance.tasks import build_minutes_pdf  # noqa: E402
from governance.vote_base import vote_base  # noqa: E402
from ligeris.lib.audit import auditlog_disabled  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backend_cpu import server_cpu  # noqa: E402
from performance_doc import write_section  # noqa: E402

BEGIN, END = "<!-- bench:governance_scale:begin -->", "<!-- bench:governance_scale:end -->"
URLENCODED = "application/x-www-form-urlencoded"
SIZE = {"partners": 2000, "tenants": 3000, "shared": 308, "seats": 2000}


class _Form(HTMLParser):
    """What a browser posts from a page's form: each field's current value."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._first = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type", "text") in ("text", "hidden"):
            self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select, self._first = attrs["name"], None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = attrs.get("value", "")
                self.data[self._select] = self._first
            if "selected" in attrs:
                self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _form_data(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html.split('<form method="post" novalidate>', 1)[1].split("</form>", 1)[0])
    return parser.data


class Steps:
    def __init__(self, client: Client, profile_dir: Path | None):
        self.client, self.profile_dir, self.rows = client, profile_dir, []

    def call(self, label: str, work, *, rows=None):
        """Work done outside a request (a task, as a worker runs it)."""
        with CaptureQueriesContext(connection) as queries:
            start, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
            work()
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu + server_cpu() - server
        self.rows.append(
            {
                "label": label,
                "time": elapsed,
                "cpu": cpu,
                "queries": len(queries),
                "size": 0,
                "rows": rows,
            }
        )
        print(f"  {label}: {elapsed:.2f} s (CPU {cpu:.2f} s), {len(queries)} queries")

    def run(self, label: str, method: str, url: str, data=None, *, status=200, rows=None):
        profiler = cProfile.Profile() if self.profile_dir else None
        with CaptureQueriesContext(connection) as queries:
            start, cpu, server = time.perf_counter(), time.process_time(), server_cpu()
            if profiler:
                profiler.enable()
            if method == "get":
                response = self.client.get(url)
            else:  # as a browser posts a form
                body = urlencode(data)
                response = self.client.post(url, body, content_type=URLENCODED)
            if profiler:
                profiler.disable()
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu + server_cpu() - server
        if response.status_code != status:
            messages = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</', response.text, re.S)
            raise SystemExit(f"{label}: HTTP {response.status_code} {messages[:5]}")
        if profiler:
            slug = re.sub(r"\W+", "-", label).strip("-")
            profiler.dump_stats(self.profile_dir / f"{slug}.prof")
        size = len(response.content)
        self.rows.append(
            {
                "label": label,
                "time": elapsed,
                "cpu": cpu,
                "queries": len(queries),
                "size": size,
                "rows": rows,
            }
        )
        print(f"  {label}: {elapsed:.2f} s (CPU {cpu:.2f} s), {len(queries)} queries")
        return response


def measure(profile_dir: Path | None) -> list[dict]:
    start = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):
        call_command(
            "generate_consortium",
            **SIZE,
            years=1,
            meetings=2,  # the last a week ago, open: every tenant votes
            titres=False,
            partner_users=0,
        )
    print(f"  generated in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    meeting = Meeting.objects.order_by("-starts_at").first()
    items = list(
        AgendaItem.objects.filter(meeting=meeting, kind=ItemKind.DECISION)
        .select_related("decision")
        .order_by("position")
    )
    for item in items:
        votes_clear(decision=item.decision)
    client = Client()
    client.force_login(User.objects.get(email="secretaire@essai.localhost"))
    steps = Steps(client, profile_dir)
    seats = Attendance.objects.filter(meeting=meeting).count()

    url = reverse("governance:attendance", args=[meeting.pk])
    page = steps.run("attendance sheet page", "get", url, rows=seats)
    data = _form_data(page.text)
    with auditlog_disabled():  # recorded afresh: every row written
        Attendance.objects.filter(meeting=meeting).delete()
    steps.run("attendance POST, all rows new", "post", url, data, status=302, rows=seats)
    # One proxy corrected: its holder moves to another present member holding none.
    rows = list(
        Attendance.objects.filter(meeting=meeting).select_related("seat__person", "seat__partner")
    )
    labels = _unique_labels(row.seat for row in rows)
    held = {row.proxy_to_id for row in rows if row.proxy_to_id}
    giver = next(row for row in rows if row.proxy_to_id)
    holder = next(r.seat for r in rows if r.status == "present" and r.seat_id not in held)
    giver, holder = f"proxy_{giver.seat_id}", labels[holder.pk]
    data[giver] = holder
    steps.run("attendance POST, one proxy moved", "post", url, data, status=302, rows=seats)

    item = items[0]
    votes_url = reverse("governance:votes", args=[item.pk])
    sheet = steps.run("vote sheet page", "get", votes_url)
    ballots = _form_data(sheet.text)
    everyone = vote_base(meeting).voters(item.decision)
    voters, speaking = len(everyone), sum(1 for v in everyone if v.voices)
    # A large sheet shows a page of its tenants (the others follow the whole, or keep theirs).
    assert min(voters, VOTES_PER_PAGE) == sum(1 for name in ballots if name.startswith("choice_"))
    rows = [name for name in ballots if name.startswith("choice_") and ballots[f"voice_{name[7:]}"]]
    if "bulk" in ballots:  # the vote of the whole: every row follows it
        ballots["bulk"] = "for"
    else:  # before it: each row chosen
        ballots.update(dict.fromkeys(rows, "for"))
    steps.run("vote POST, every voter", "post", votes_url, ballots, status=302, rows=voters)
    voting = Vote.objects.filter(decision=item.decision).count()
    assert voting == speaking, (voting, speaking)
    ballots.update(dict.fromkeys(rows[:30], "against"))
    steps.run("vote POST, 30 votes changed", "post", votes_url, ballots, status=302, rows=voters)
    assert Vote.objects.filter(decision=item.decision, choice="against").count() == 30
    steps.run("vote sheet page, voted", "get", votes_url, rows=voters)
    steps.run("meeting page", "get", meeting.get_absolute_url(), rows=seats)
    # The minutes of a large meeting: asked for (the task queued, not run in the request), laid
    # out by the task (run here as a worker would), then downloaded as stored.
    minutes = reverse("governance:minutes_pdf", args=[meeting.pk])
    steps.run("minutes PDF, not ready: to its page", "get", minutes, status=302, rows=seats)
    queued = []
    build_minutes_pdf.delay = queued.append  # the queue stands for the worker: run below
    page = reverse("governance:minutes_export", args=[meeting.pk])
    steps.run("minutes PDF asked (POST)", "post", page, {}, status=302, rows=seats)
    steps.call("minutes PDF laid out by its task", lambda: build_minutes_pdf(*queued), rows=seats)
    ready = steps.run("minutes PDF page, ready", "get", page, rows=seats)
    link = re.search(r'href="([^"]*proces-verbal\.pdf[^"]*)"', ready.text).group(1)  # a draft's
    steps.run("minutes PDF download, stored", "get", link, rows=seats)
    return steps.rows


def table(rows: list[dict]) -> str:
    lines = [
        f"Measured {datetime.date.today():%Y-%m-%d} on {connection.vendor} "
        f"({platform.machine()}, {os.cpu_count()} CPUs), `bench/governance_scale.py`: one "
        f"meeting of {SIZE['seats']:,} seats, {SIZE['tenants']:,} tenants, through the test "
        "client (one request each, server time).",
        "",
        "Wall time, then CPU time (this process and its PostgreSQL backend: the figure to",
        "compare on a busy machine).",
        "",
        "| Step | Rows | Time | CPU | Queries | Response |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        count = f"{row['rows']:,}" if row["rows"] is not None else ""
        lines.append(
            f"| {row['label']} | {count} | {row['time']:.2f} s | {row['cpu']:.2f} s | "
            f"{row['queries']} | "
            f"{row['size'] / 1e3:,.0f} kB |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--profile", type=Path, help="write a cProfile of each step here")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "postgresql":  # a fresh cluster (scripts/with-postgres) has no base
        with connection._nodb_cursor() as cursor:
            name = connection.settings_dict["NAME"]
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    with contextlib.redirect_stdout(sys.stderr):
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
    text = table(measure(args.profile))
    print(text)
    if not args.no_write:
        write_section(BEGIN, END, text)


if __name__ == "__main__":
    main()
