"""Benchmark: the recap at the size of a large consortium, before and after (issue 17).

Run with `make bench` (or `scripts/with-postgres .venv/bin/python bench/recap_scale.py`; it needs
`DATABASE_URL`, a PostgreSQL server it may create a database in). `manage.py generate_consortium
--years 2 --meetings 0 --no-titres` fills a database of its own (2,000 partners, 3,000 tenants,
308 shared: the past year has a budget and an actual run of ~14,000 shares each). Then a child
process measures, in process with Django's test client (server time: view, queries, template;
no network, no gunicorn), each page 20 times (median, p95), and the XLSX built as the task does
it. "Before" is the full computation the pages used to make (`recap_for`, every chart, the old
page's tables and charts rendered) and the old workbook (`recap_xlsx(recap_for(...))`). The XLSX
is measured twice: with lxml (openpyxl's default when it is installed) and without
(`OPENPYXL_LXML=False`). Not a test: nothing here asserts a duration. The table is written into
docs/PERFORMANCE.md, between its bench markers.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from performance_doc import write_section  # noqa: E402  (bench/ is the script's own folder)

BEGIN, END = "<!-- bench:recap_scale:begin -->", "<!-- bench:recap_scale:end -->"
REPEATS = 20


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)  # noqa: S603


def _create_database(url: str, name: str) -> str:
    import psycopg

    base = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


# --- The measuring child ------------------------------------------------------------------------


def _timed(function, repeats: int) -> dict:
    """Wall time (median, p95) and this process's CPU time (median): on a loaded machine the
    wall time counts the other processes' turns too, the CPU time only ours (not PostgreSQL's)."""
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"median": statistics.median(times), "p95": p95, "cpu": statistics.median(cpu)}


def _measure(xlsx_only: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")
    import django

    django.setup()
    from ligeris.lib.scopes import unscope_script

    unscope_script()  # a bench reads and writes every consortium's rows
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from billing import charts, recap, recap_export, recap_totals
    from billing.exports import recap_xlsx
    from billing.models import RunKind, Share
    from titres.models import FiscalYear

    year = FiscalYear.objects.filter(runs__kind=RunKind.ACTUAL).order_by("-year").first()
    finance = User.objects.get(email="finance@essai.localhost")
    partner = User.objects.get(email="partenaire0001@essai.localhost")
    runs = recap_totals.runs_for(year, finance)
    from openpyxl.xml import LXML

    result = {
        "year": year.year,
        "shares": runs.shares().count(),
        "partners": Share.objects.filter(run=runs.budget).values("partner").distinct().count(),
        "lxml": LXML,
        "load": os.getloadavg()[0],
    }
    xlsx = {}

    def build():
        xlsx["bytes"] = recap_export.build_xlsx(runs)

    result["xlsx"] = _timed(build, 3)
    result["xlsx_size"] = len(xlsx["bytes"])
    if xlsx_only:
        return result
    full = {}

    def old_xlsx():
        full["bytes"] = recap_xlsx(recap.recap_for(year, finance))

    result["xlsx_before"] = _timed(old_xlsx, 3)

    def old_page():
        whole = recap.recap_for(year, finance)
        context = {
            "recap": whole,
            "charts": charts.partner_charts(whole),
            "geometry": charts.GEOMETRY,
        }
        full["html"] = render_to_string("billing/recap_pdf.html", context)  # its tables, charts

    result["page_before"] = _timed(old_page, 3)
    result["page_before_size"] = len(full["html"])

    clients = {}
    for name, user in (("finance", finance), ("partner", partner)):
        clients[name] = Client()
        clients[name].force_login(user)
    summary = reverse("billing:recap", args=[year.year])
    rows = reverse("billing:recap_rows", args=[year.year])
    first_pool = runs.shares().order_by("pool_code").values_list("pool_code", flat=True).first()
    pages = [
        ("summary (finance)", "finance", summary, {}),
        ("distribution by tenant, page 1", "finance", rows, {}),
        ("distribution by tenant, page 30", "finance", rows, {"page": 30}),
        ("distribution by partner (50 charts)", "finance", rows, {"vue": "partner"}),
        (
            "distribution searched and one pool",
            "finance",
            rows,
            {"q": "Commune", "poste": first_pool},
        ),
        ("summary (partner user)", "partner", summary, {}),
        ("distribution (partner user)", "partner", rows, {}),
        ("true-up", "finance", reverse("billing:trueup", args=[year.year]), {}),
    ]
    result["pages"] = []
    for label, who, url, params in pages:
        client = clients[who]
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        count = len(queries)  # read now: the next request clears the log
        assert response.status_code == 200, (url, response.status_code)
        repeats = 3 if label == "true-up" else REPEATS
        timing = _timed(lambda c=client, u=url, p=params: c.get(u, p), repeats)
        result["pages"].append(
            {
                "page": label,
                **timing,
                "queries": count,
                "kib": len(response.content) / 1024,
                "repeats": repeats,
            }
        )
    return result


# --- The parent: database, consortium, children, table -----------------------------------------


def _table(main: dict, lxml: dict) -> str:
    lines = [
        f"Last run: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, PostgreSQL "
        f"(throwaway cluster), in process (Django test client, `DEBUG=False`), on "
        f"{platform.machine()} with {os.cpu_count()} CPUs shared with other work (load average "
        f"{main['load']:.0f} during the run: wall times are inflated, the CPU column is this "
        f"process's own). Year {main['year']}: {main['shares']:,} shares (budget and actual "
        f"runs), {main['partners']:,} paying partners.",
        "",
        "| page | median | p95 | CPU (median) | queries | size |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    before = main["page_before"]
    lines.append(
        f"| before: the recap page's computation and HTML (`recap_for`, every chart; 3 runs) "
        f"| {before['median']:,.0f} ms | {before['p95']:,.0f} ms | {before['cpu']:,.0f} ms | — "
        f"| {main['page_before_size'] / 1024:,.0f} KiB |"
    )
    for page in main["pages"]:
        runs = "" if page["repeats"] == REPEATS else f" ({page['repeats']} runs)"
        lines.append(
            f"| {page['page']}{runs} | {page['median']:,.0f} ms | {page['p95']:,.0f} ms "
            f"| {page['cpu']:,.0f} ms | {page['queries']} | {page['kib']:,.0f} KiB |"
        )
    xlsx_before, xlsx, with_lxml = main["xlsx_before"], main["xlsx"], lxml["xlsx"]
    lines += [
        "",
        "| XLSX of the year (3 runs) | median | CPU (median) | size |",
        "|---|---:|---:|---:|",
        f"| before: `recap_xlsx(recap_for(...))` | {xlsx_before['median']:,.0f} ms "
        f"| {xlsx_before['cpu']:,.0f} ms | — |",
        f"| after: `build_xlsx` (the task's work), openpyxl without lxml (the project's setting) "
        f"| {xlsx['median']:,.0f} ms | {xlsx['cpu']:,.0f} ms | {main['xlsx_size'] / 1024:,.0f} KiB |",
        f"| after, with lxml (`OPENPYXL_LXML=True`, lxml used: {lxml['lxml']}) "
        f"| {with_lxml['median']:,.0f} ms | {with_lxml['cpu']:,.0f} ms "
        f"| {lxml['xlsx_size'] / 1024:,.0f} KiB |",
    ]
    return "\n".join(lines)


def _child(command: list[str], env: dict) -> dict:
    done = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    sys.stderr.write(done.stderr[-3000:])
    done.check_returncode()
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--xlsx-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--tenants", type=int, default=3000)
    parser.add_argument("--shared", type=int, default=308)
    parser.add_argument("--no-write", action="store_true", help="print, write nothing")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_measure(args.xlsx_only)))
        return
    database_url = os.environ.get("DATABASE_URL")
    if not database_url:
        sys.exit("DATABASE_URL is not set: run under scripts/with-postgres.")
    env = {
        **os.environ,
        "DATABASE_URL": _create_database(database_url, "bench_recap"),
        "DJANGO_ENV": "development",
        "DEBUG": "False",
        "ALLOWED_HOSTS": "testserver",
    }
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(
        env,
        "generate_consortium",
        f"--partners={args.partners}",
        f"--tenants={args.tenants}",
        f"--shared={args.shared}",
        "--years=2",
        "--meetings=0",
        "--seats=0",
        "--partner-users=1",
        "--no-titres",
    )
    child = [sys.executable, __file__, "--measure"]
    main_run = _child(child, env)
    # The project turns lxml off for openpyxl (ligeris/__init__.py: imported workbooks are parsed
    # through defusedxml); the writer alone, in a process that reads no upload, may use it.
    lxml_run = _child([*child, "--xlsx-only"], {**env, "OPENPYXL_LXML": "True"})
    table = _table(main_run, lxml_run)
    print(table)
    if not args.no_write:
        write_section(BEGIN, END, table)


if __name__ == "__main__":
    main()
