"""Benchmark: the peak memory and time of reading each hostile volume file (issue 10).

Each file is read by `parse_volume_file` in a child process limited to 4 GiB of address space and
60 s, so that the worst files cannot take the machine down; the peak is the child's peak RSS above
what it held just before the read. Prints a Markdown table. Not a test: nothing is asserted.

    .venv/bin/python bench/hostile_imports.py            # the current code
    .venv/bin/python bench/hostile_imports.py --before a6e0c5c --path /tmp/pandas-site
        # the code of that commit (it needs pandas: --path adds a directory where it is installed)
"""

import argparse
import datetime
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_BYTES = 4 * 1024**3
TIMEOUT = 60
CODES = ["blois", "agglo", "cd37"]


def _legit_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["tenant", "date", "volume"])
    start = datetime.datetime(2000, 1, 1)
    for i in range(20_000):
        sheet.append([CODES[i % 3], start + datetime.timedelta(days=i), i + 0.5])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _legit_csv() -> bytes:
    start = datetime.date(2000, 1, 1)
    lines = ["tenant;date;volume"] + [
        f"{CODES[i % 3]};{start + datetime.timedelta(days=i):%d/%m/%Y};{i},5" for i in range(20_000)
    ]
    return ("\n".join(lines) + "\n").encode()


def _high_water_mark() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def child(module_path: str, file_name: str, data_path: str) -> None:
    """Runs in the limited child: read one file, print what happened as JSON."""
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")
    import importlib.util

    import django

    django.setup()
    from ligeris.lib.scopes import unscope_script

    unscope_script()  # a bench reads and writes every consortium's rows
    if module_path:
        spec = importlib.util.spec_from_file_location("imports_under_test", module_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        from billing import imports as module
    data = Path(data_path).read_bytes()
    baseline = _high_water_mark()

    def report() -> None:  # the parent keeps the last mark of a child it has to stop
        while True:
            print(f"hwm {_high_water_mark()}", file=sys.stderr, flush=True)
            time.sleep(0.5)

    threading.Thread(target=report, daemon=True).start()
    start = time.perf_counter()
    try:
        parsed = module.parse_volume_file(file_name, data, set(CODES))
        errors = parsed.errors or [e for row in parsed.rows for e in row.errors][:1]
        outcome = errors[0] if errors else f"accepted, {len(parsed.rows)} rows"
    except MemoryError:
        outcome = "MemoryError at the 4 GiB limit"
    except Exception as error:  # what the view would have answered with a 500
        outcome = f"500: {type(error).__name__}"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak": peak - baseline, "outcome": outcome}))


def measure(module_path: str, file_name: str, data: bytes, extra_path: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=Path(file_name).suffix) as handle:
        handle.write(data)
        handle.flush()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), extra_path]))}
        command = [sys.executable, __file__, "--child", module_path, file_name, handle.name]
        start = time.perf_counter()
        child_process = subprocess.Popen(  # noqa: S603 (this script, on a file it wrote)
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        try:
            stdout, stderr = child_process.communicate(timeout=TIMEOUT)
            stopped = False
        except subprocess.TimeoutExpired:
            child_process.kill()
            stdout, stderr = child_process.communicate()
            stopped = True
        elapsed = time.perf_counter() - start
        lines = stdout.strip().splitlines()
        if not stopped and child_process.returncode == 0 and lines:
            return json.loads(lines[-1])
        # A child that did not finish: its last reported high-water mark above its baseline.
        marks = [int(line.split()[1]) for line in stderr.splitlines() if line.startswith("hwm ")]
        above = marks[-1] - marks[0] if len(marks) > 1 else None
        if stopped:
            outcome = f"> {TIMEOUT} s (stopped)"
        elif "MemoryError" in stderr or child_process.returncode < 0:
            outcome = "killed at the 4 GiB limit"
        else:
            outcome = (stderr.strip().splitlines() or ["?"])[-1][:80]
        return {"seconds": None if stopped else elapsed, "peak": above, "outcome": outcome}


def _cell(measured: dict) -> str:
    seconds = "—" if measured["seconds"] is None else f"{measured['seconds']:.2f} s"
    peak = "—" if measured["peak"] is None else f"{measured['peak'] / 2**20:,.0f} MiB"
    outcome = measured["outcome"].replace("|", "/")
    return f"{peak} | {seconds} | {outcome[:70]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a commit whose billing/imports.py is measured too")
    parser.add_argument("--path", default="", help="a directory added to the child's PYTHONPATH")
    parser.add_argument("--only", help="only the files whose key contains this")
    args = parser.parse_args()

    from tests.hostile_files import corpus

    files = [(h.key, h.file_name, h.make) for h in corpus()]
    files += [
        ("legit-20k-rows-xlsx", "ok.xlsx", _legit_xlsx),
        ("legit-20k-rows-csv", "ok.csv", _legit_csv),
    ]
    if args.only:
        files = [f for f in files if args.only in f[0]]
    old_module = ""
    if args.before:
        source = subprocess.run(  # noqa: S603 (git, on the commit asked for)
            ["git", "show", f"{args.before}:billing/imports.py"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        old = Path(tempfile.mkdtemp()) / "imports_before.py"
        old.write_text(source)
        old_module = str(old)
    head = "| file | size | after: peak | time | outcome |"
    rule = "|---|---:|---:|---:|---|"
    if args.before:
        head += " before: peak | time | outcome |"
        rule += "---:|---:|---|"
    print(head)
    print(rule)
    for key, file_name, make in files:
        data = make()
        line = (
            f"| {key} | {len(data) / 1024:,.0f} KiB | {_cell(measure('', file_name, data, ''))} |"
        )
        if args.before:
            line += f" {_cell(measure(old_module, file_name, data, args.path))} |"
        print(line, flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
