"""Benchmark: the main pages at the scale of issue 17, served by gunicorn, alone then under 50 users.

    scripts/with-postgres .venv/bin/python bench/pages.py            # the full size (make bench)
    scripts/with-postgres .venv/bin/python bench/pages.py --small    # a quick run, not written

On the throwaway PostgreSQL of scripts/with-postgres: the consortium of `generate_consortium`
(2,000 partners, 3,000 tenants, five years, 30 meetings of 2,000 seats; its dump kept in
var/bench/, see bench/pages_db.py), served by gunicorn with 2 workers and the production
settings on 127.0.0.1 (bench/pages_server.py). Finance, secretary and partner users sign in
through the login form. Then:

1. each main page 20 times in a row, alone: median and p95 of the wall time seen by the client;
2. locust (bench/pages_locust.py), headless, 50 users for 2 minutes, each pausing 1–3 s between
   pages, then the same without pause (the saturation throughput).

Writes the tables into docs/PERFORMANCE.md (full size only). Not a test: nothing asserts a time.
Gunicorn, Redis and locust are stopped at the end whatever happens; the cluster by with-postgres.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages_db
import pages_server
from performance_doc import write_section

BEGIN, END = "<!-- bench:pages:begin -->", "<!-- bench:pages:end -->"
LOCUST = Path(__file__).resolve().parent / "pages_locust.py"


def _percentile(values: list[float], share: float) -> float:
    """Nearest rank: the p95 of 20 timings is the 19th."""
    ordered = sorted(values)
    return ordered[max(0, -(-int(share * 100) * len(ordered) // 100) - 1)]


def time_pages(base: str, setup: dict, repeat: int, budget: float, log=print) -> list[dict]:
    """Each page `repeat` times after a first one, or fewer (3 at least) past `budget` seconds:
    a page taking 30 s would hold the run for 10 minutes."""
    rows = []
    for role, pages in setup["pages"].items():
        jar = setup["sessions"][role][0]
        with requests.Session() as http:
            for name, path in pages.items():
                timings, statuses, size = [], set(), 0
                started = time.perf_counter()
                for index in range(repeat + 1):  # the first one warms the worker up
                    if len(timings) >= 3 and time.perf_counter() - started > budget:
                        break
                    start = time.perf_counter()
                    response = http.get(base + path, cookies=jar, allow_redirects=False)
                    elapsed = (time.perf_counter() - start) * 1000
                    statuses.add(response.status_code)
                    size = len(response.content)
                    if index:
                        timings.append(elapsed)
                row = {
                    "role": role,
                    "page": name,
                    "median": statistics.median(timings),
                    "p95": _percentile(timings, 0.95),
                    "size": size,
                    "requests": len(timings),
                    "statuses": sorted(statuses),
                }
                log(
                    f"  {role:9} {name:22} median {row['median']:8.1f} ms  "
                    f"p95 {row['p95']:8.1f} ms  {size / 1024:8.1f} KiB  {row['statuses']} "
                    f"×{len(timings)}"
                )
                rows.append(row)
    return rows


def run_locust(base: str, setup_file: Path, *, pause: bool, users: int, seconds: int, out: Path):
    prefix = out / ("pause" if pause else "saturation")
    env = {
        **os.environ,
        "LIGERIS_BENCH_PAGES": str(setup_file),
        "LIGERIS_BENCH_PAUSE": "1" if pause else "0",
        "LIGERIS_BENCH_MAX_REQUESTS": str(users * seconds * 20),
    }
    args = [str(pages_server.BIN / "locust"), "-f", str(LOCUST), "--headless", "--only-summary"]
    args += ["-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{seconds}s", "-H", base]
    args += ["--stop-timeout", "10", "--csv", str(prefix), "--exit-code-on-error", "0"]
    started = time.perf_counter()
    try:
        with (out / "locust.log").open("ab") as log:
            subprocess.run(  # noqa: S603
                args, env=env, check=False, timeout=seconds + 90, stdout=log, stderr=log
            )
    except subprocess.TimeoutExpired:
        print("!! locust overran its time and was stopped")
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    by_page = {row["Name"]: row for row in rows if row["Name"] != "Aggregated"}
    failures = _failures(Path(f"{prefix}_failures.csv"))
    return {
        "pause": pause,
        "users": users,
        "seconds": round(time.perf_counter() - started),
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "p50": _number(total["50%"]),
        "p95": _number(total["95%"]),
        "p99": _number(total["99%"]),
        "pages": {
            name: {
                "requests": int(row["Request Count"]),
                "p95": _number(row["95%"]),
                "failures": failures.get(name, {}),
            }
            for name, row in by_page.items()
        },
    }


def _failures(path: Path) -> dict[str, dict[str, int]]:
    """Locust's failures CSV: per page, each reason (status, reason, redirect target) counted."""
    if not path.exists():
        return {}
    found: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as failures:
        for row in csv.DictReader(failures):
            # locust prefixes the reason with the exception's class: "CatchResponseError('…')"
            error = row["Error"].removeprefix("CatchResponseError(").removesuffix(")").strip("'\"")
            reasons = found.setdefault(row["Name"], {})
            reasons[error] = reasons.get(error, 0) + int(row["Occurrences"])
    return found


def failure_lines(loads: list[dict]) -> list[str]:
    """One line per page and reason of the failed requests under locust."""
    lines = []
    for load in loads:
        label = "pause 1–3 s" if load["pause"] else "no pause"
        for page, reasons in sorted(load["pages"].items()):
            for reason, count in sorted(reasons.get("failures", {}).items()):
                lines.append(f"- {label}, {page}: {count} × {reason}")
    return lines


def expected_status(setup: dict, page: str) -> int:
    return setup.get("expected", {}).get(page, {}).get("status", 200)


def _number(text: str) -> float | None:
    """Locust writes N/A where no request finished in the time."""
    return None if text == "N/A" else float(text)


def _fmt(ms: float | None) -> str:
    return "—" if ms is None else f"{ms:,.0f} ms"


def markdown(setup: dict, alone: list[dict], loads: list[dict], note: str) -> str:
    sizes = setup["sizes"]
    lines = [
        f"Last run: {datetime.date.today().isoformat()}, Python {platform.python_version()} on "
        f"{platform.machine()}, {os.cpu_count()} CPU(s); {note}.",
        "",
        f"Consortium: {sizes['partners']:,} partners, {sizes['tenants']:,} tenants, "
        f"{sizes['titres']:,} issued titres, {sizes['meetings']} meetings; recap of "
        f"{sizes['year']}; the partner shown holds {sizes['partner_tenants']} tenants, the "
        f"meeting shown has {sizes['meeting_attendances']:,} attendance rows.",
    ]
    lines += ["", "| user | page | requests | median | p95 | size | aim (p95 < 150 ms) |"]
    lines.append("|---|---|---:|---:|---:|---:|---|")
    for row in alone:
        answered = row["statuses"] == [expected_status(setup, row["page"])]
        aim = "met" if row["p95"] < 150 and answered else "**not met**"
        if not answered:
            aim += f" (HTTP {', '.join(map(str, row['statuses']))})"
        lines.append(
            f"| {row['role']} | {row['page']} | {row['requests']} | {_fmt(row['median'])} | "
            f"{_fmt(row['p95'])} | "
            f"{row['size'] / 1024:,.0f} KiB | {aim} |"
        )
    users = loads[0]["users"] if loads else 0
    lines += ["", f"| locust, {users} users | requests | requests/s | p50 | p95 | p99 | errors |"]
    lines.append("|---|---:|---:|---:|---:|---:|---:|")
    for load in loads:
        label = "pause 1–3 s" if load["pause"] else "no pause (saturation)"
        lines.append(
            f"| {label}, {load['seconds']} s | {load['requests']:,} | {load['rps']:.1f} | "
            f"{_fmt(load['p50'])} | {_fmt(load['p95'])} | {_fmt(load['p99'])} | {load['errors']} |"
        )
    failed = failure_lines(loads)
    if failed:
        lines += ["", "Failed requests under locust, by page and reason:", "", *failed]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="a small consortium, not written")
    parser.add_argument("--regenerate", action="store_true", help="ignore the kept dump")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--page-seconds", type=float, default=60, help="time budget per page")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--no-locust", action="store_true")
    parser.add_argument("--note", default="", help="what else loaded the machine")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Run it through scripts/with-postgres (a throwaway PostgreSQL cluster).")
    # Stopped by `timeout` or a signal: still through the `finally` that stops gunicorn and Redis
    # (they run in sessions of their own, which the signal does not reach).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    options = pages_db.SMALL if args.small else pages_db.FULL
    pages_db.prepare(options, regenerate=args.regenerate)
    processes = pages_server.Processes()
    with tempfile.TemporaryDirectory(prefix="ligeris-pages-") as var_dir:
        try:
            result = _serve_and_measure(args, processes, Path(var_dir))
        finally:
            processes.stop()
    load = os.getloadavg()
    note = args.note or (
        f"load average {result['load_before']:.1f} before the pages, {load[0]:.1f} at the end "
        "(other work on the machine)"
    )
    text = markdown(result["setup"], result["alone"], result["loads"], note)
    print()
    print(text)
    out = pages_db.DUMPS / ("pages-small.json" if args.small else "pages-last.json")
    result["setup"].pop("sessions", None)
    out.write_text(json.dumps({**result, "note": note}, indent=1), encoding="utf-8")
    if not args.small and not args.no_locust:
        write_section(BEGIN, END, text)


def _serve_and_measure(args, processes: pages_server.Processes, var_dir: Path) -> dict:
    redis_port, port = pages_server.free_port(), pages_server.free_port()
    pages_server.start_redis(processes, redis_port)
    env = pages_server.production_env(str(var_dir), redis_port)
    pages_db.manage("collectstatic", "--noinput", "-v", "0", env=env)
    setup = pages_server.manage_json(env, "pages_setup.py", pages_server.TOTP_SECRET)
    base = pages_server.start_gunicorn(processes, env, port, var_dir / "gunicorn.log")
    print(f"gunicorn on {base}; signing in")
    setup["sessions"] = {}
    for role, emails in setup["users"].items():
        setup["sessions"][role] = [
            pages_server.sign_in(base, email, pages_db.PASSWORD, staff=role != "partner")
            for email in emails
        ]
    load_before = os.getloadavg()[0]
    print(f"Each page {args.repeat} times, alone (load average {load_before:.1f}):")
    alone = time_pages(base, setup, args.repeat, args.page_seconds)
    loads = []
    if not args.no_locust:
        setup_file = var_dir / "pages.json"
        setup_file.write_text(json.dumps(setup), encoding="utf-8")
        for pause in (True, False):
            print(f"locust, {args.users} users, {'pause 1–3 s' if pause else 'no pause'}:")
            try:
                load = run_locust(
                    base,
                    setup_file,
                    pause=pause,
                    users=args.users,
                    seconds=args.seconds,
                    out=var_dir,
                )
            except (OSError, StopIteration) as error:  # no stats written: the pages still count
                print(f"!! locust gave no figures: {error!r}")
                continue
            print(
                f"  {load['requests']} requests, {load['rps']:.1f}/s, p50 {_fmt(load['p50'])}, "
                f"p95 {_fmt(load['p95'])}, p99 {_fmt(load['p99'])}, {load['errors']} errors"
            )
            for line in failure_lines([load]):
                print("   " + line)
            loads.append(load)
    errors = (var_dir / "gunicorn.log").read_text(errors="replace")[-3000:]
    if "Traceback" in errors or "Error" in errors:
        print("gunicorn's log ends with:\n" + errors)
    return {"setup": setup, "alone": alone, "loads": loads, "load_before": load_before}


if __name__ == "__main__":
    main()
