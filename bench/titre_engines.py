"""Benchmark: the titre PDFs by four engines, each measured as whole processes.

Run with `make bench` (or `.venv/bin/python bench/titre_engines.py`; `--pairs 10:50` for a quick
run). Prints a Markdown table and writes it into docs/PERFORMANCE.md between its bench markers.
Not a test: nothing here asserts a duration.

The titres are those of `bench/titre_pdfs.py` (five lines each, one page, real rows in a throwaway
SQLite database). Each measurement is one whole process that renders N titres into one PDF each
and exits; its CPU time (user + system, `resource.getrusage(RUSAGE_CHILDREN)`, its own children
included) is taken on two sizes, small and large, alternated A B A B. The cost per titre beyond
start-up is the difference divided by the difference of sizes; the start-up is what remains of
the small run. Engines:

- Typst: `titres.titre_pdf.render_titres` in chunks of `RENDER_CHUNK`, as the tasks do (Django
  start-up, the titres read from the database, one compile per chunk, split);
- WeasyPrint: the former renderer (`titres.titre_html.render_titres_weasyprint`), same chunks;
- LibreOffice: `soffice --headless --convert-to pdf` of the same titres' HTML, one file per
  titre, all in one process (installed by `scripts/bench-deps`, never by `make test`);
- ReportLab: the floor, a minimal page with the same text (every string of the titre's Typst
  data, drawn line by line in Liberation Sans, embedded), one PDF per titre, no Django.
"""

import argparse
import ast
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAIRS = ((10, 50), (50, 500))
ENGINES = ("typst", "weasyprint", "libreoffice", "reportlab")
LABELS = {
    "typst": "Typst (`render_titres`, chunks of 50)",
    "weasyprint": "WeasyPrint (former renderer, chunks of 50)",
    "libreoffice": "LibreOffice (`soffice --convert-to pdf`, HTML)",
    "reportlab": "ReportLab floor (minimal page, same text)",
}


# --- The children: one whole process each -------------------------------------------------------


def _django(var_dir: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "ligeris.settings"
    os.environ["LIGERIS_VAR_DIR"] = var_dir
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from ligeris.lib.scopes import unscope_script

    unscope_script()  # a bench reads and writes every consortium's rows


def child_render(engine: str, var_dir: str, pks_file: str, out_dir: str) -> None:
    """Read the titres as `billing.tasks` does, render them chunk by chunk, write the PDFs."""
    _django(var_dir)
    from titres.models import RevenueTitle
    from titres.tasks import RENDER_CHUNK

    if engine == "typst":
        from titres.titre_pdf import render_titres
    else:
        from titres.titre_html import render_titres_weasyprint as render_titres
    pks = json.loads(Path(pks_file).read_text())
    titres = list(
        RevenueTitle.objects.filter(pk__in=pks)
        .select_related("debtor", "tenant")
        .prefetch_related("lines")
        .order_by("number")
    )
    for start in range(0, len(titres), RENDER_CHUNK):
        for pk, pdf in render_titres(titres[start : start + RENDER_CHUNK]).items():
            Path(out_dir, f"{pk}.pdf").write_bytes(pdf)


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def child_reportlab(data_file: str, out_dir: str) -> None:
    """The floor: every text of each titre drawn on an A4 page, wrapped, in Liberation Sans."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    fonts = ROOT / "static" / "fonts"
    pdfmetrics.registerFont(TTFont("Liberation", str(fonts / "LiberationSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont("Liberation-Bold", str(fonts / "LiberationSans-Bold.ttf")))
    data = json.loads(Path(data_file).read_text())
    width = A4[0] - 35 * mm
    for titre in data["titres"]:
        page = canvas.Canvas(str(Path(out_dir, f"{titre['pk']}.pdf")), pagesize=A4)
        page.setTitle(titre["footer"])
        y = A4[1] - 12 * mm
        for index, text in enumerate(_strings(data["labels"]) + _strings(titre)):
            font = "Liberation-Bold" if index % 4 == 0 else "Liberation"
            # Each word measured once, as a layout engine does (measuring the line so far
            # again for every word made this floor quadratic in the line's length).
            space = pdfmetrics.stringWidth(" ", font, 8)
            line, used = "", 0.0
            for word in text.split():
                size = pdfmetrics.stringWidth(word, font, 8)
                if line and used + space + size > width:
                    page.setFont(font, 8)
                    page.drawString(20 * mm, y, line)
                    y, line, used = y - 9.5, word, size
                else:
                    line, used = (f"{line} {word}", used + space + size) if line else (word, size)
            page.setFont(font, 8)
            page.drawString(20 * mm, y, line)
            y -= 9.5
            if y < 17 * mm:
                page.showPage()
                y = A4[1] - 12 * mm
        page.save()


# --- The parent: data, processes, table ---------------------------------------------------------


def _inline_css(html: str) -> str:
    """The titre's HTML standing alone for LibreOffice: its stylesheet inlined, fonts as files."""
    css = (ROOT / "static" / "css" / "titre.css").read_text(encoding="utf-8")
    css = css.replace("static:fonts/", (ROOT / "static" / "fonts").as_uri() + "/")
    return re.sub(
        r'<link rel="stylesheet" href="static:css/titre.css">', f"<style>{css}</style>", html
    )


def prepare(work: Path, n_max: int) -> dict:
    """Build `n_max` titres; for each size, the files every engine reads."""
    import titre_pdfs as bench_titres  # sets Django up on its own throwaway database
    from django.core.management import call_command

    from titres.titre_html import titres_html
    from titres.titre_pdf import titres_data

    call_command("migrate", verbosity=0, interactive=False)
    pks = bench_titres.build(n_max)
    titres = bench_titres.load(pks)
    (work / "pks.json").write_text(json.dumps(pks))
    html_dir = work / "html"
    html_dir.mkdir()
    for titre in titres:
        (html_dir / f"{titre.pk}.html").write_text(_inline_css(titres_html([titre])), "utf-8")
    (work / "data.json").write_text(json.dumps(titres_data(titres), ensure_ascii=False))
    return {"pks": pks, "var_dir": os.environ["LIGERIS_VAR_DIR"]}


def _command(engine: str, n: int, work: Path, var_dir: str, pks: list[int], out: Path) -> list:
    me = [sys.executable, str(Path(__file__).resolve())]
    if engine in ("typst", "weasyprint"):
        subset = work / f"pks-{n}.json"
        subset.write_text(json.dumps(pks[:n]))
        return [*me, "--child", engine, var_dir, str(subset), str(out)]
    if engine == "reportlab":
        data = json.loads((work / "data.json").read_text())
        subset = work / f"data-{n}.json"
        subset.write_text(json.dumps(dict(data, titres=data["titres"][:n]), ensure_ascii=False))
        return [*me, "--child", "reportlab", str(subset), str(out)]
    files = [str(work / "html" / f"{pk}.html") for pk in pks[:n]]
    profile = (work / "lo-profile").as_uri()
    return [
        "soffice",
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *files,
    ]


def measure(engine: str, n: int, work: Path, var_dir: str, pks: list[int]) -> dict:
    out = work / f"out-{engine}-{n}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    command = _command(engine, n, work, var_dir, pks, out)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, timeout=3600)  # noqa: S603
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pdfs = len(list(out.glob("*.pdf")))
    if pdfs != n:
        raise RuntimeError(f"{engine} × {n}: {pdfs} PDFs")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"engine": engine, "n": n, "cpu": cpu, "wall": wall}


def run(pairs, engines) -> list[dict]:
    """Every measurement, each engine's sizes alternated A B A B."""
    work = Path(tempfile.mkdtemp(prefix="ligeris-engines-"))
    setup = prepare(work, max(max(p) for p in pairs))
    if "libreoffice" in engines:  # its first start builds the user profile: not measured
        measure("libreoffice", 1, work, setup["var_dir"], setup["pks"])
    results = []
    for small, large in pairs:
        for engine in engines:
            try:
                for _rep in range(2):
                    for n in (small, large):
                        results.append(measure(engine, n, work, setup["var_dir"], setup["pks"]))
                        print(results[-1], file=sys.stderr)
            except RuntimeError as error:  # LibreOffice stops short on 500 files: no row
                print(f"{engine} {small}/{large} not measured: {error}", file=sys.stderr)
                results = [r for r in results if (r["engine"], r["n"]) != (engine, large)]
    shutil.rmtree(work, ignore_errors=True)
    return results


def summarise(results: list[dict], pairs) -> list[dict]:
    """Per engine and pair of sizes: mean CPU of each size, cost per titre, start-up."""
    rows = []
    for small, large in pairs:
        for engine in ENGINES:
            cpu = {
                n: [r["cpu"] for r in results if r["engine"] == engine and r["n"] == n]
                for n in (small, large)
            }
            if not cpu[small] or not cpu[large]:
                continue
            cpu_small = sum(cpu[small]) / len(cpu[small])
            cpu_large = sum(cpu[large]) / len(cpu[large])
            per_titre = (cpu_large - cpu_small) / (large - small)
            rows.append(
                {
                    "engine": engine,
                    "pair": (small, large),
                    "runs": min(len(cpu[small]), len(cpu[large])),
                    "cpu_small": cpu_small,
                    "cpu_large": cpu_large,
                    "per_titre": per_titre,
                    "startup": cpu_small - small * per_titre,
                }
            )
    return rows


def _version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60).stdout.strip()  # noqa: S603
    except OSError:
        return "absent"


def tables(rows: list[dict]) -> str:
    import typst
    import weasyprint
    from reportlab import Version as reportlab_version

    office = _version(["soffice", "--version"]).split(" ")[:2]
    out = [
        f"Last run: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"Typst {typst.__version__}, WeasyPrint {weasyprint.__version__}, "
        f"{' '.join(office)}, ReportLab {reportlab_version}, on {platform.machine()} "
        f"with {os.cpu_count()} CPUs. CPU time of whole processes (user + system), "
        "mean of the runs of each size, alternated. Five lines per titre, one page each.",
        "",
        "| Engine | Sizes | Runs each | CPU small | CPU large | Per titre | Start-up |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        small, large = row["pair"]
        out.append(
            f"| {LABELS[row['engine']]} | {small} / {large} | {row['runs']} | "
            f"{row['cpu_small']:.2f} s | "
            f"{row['cpu_large']:.2f} s | {row['per_titre'] * 1000:.1f} ms | "
            f"{row['startup']:.2f} s |"
        )
    out += ["", "| Sizes | Typst vs LibreOffice per titre | Typst vs ReportLab per titre |"]
    out += ["|---:|---:|---:|"]
    for pair in sorted({row["pair"] for row in rows}):
        by_engine = {row["engine"]: row for row in rows if row["pair"] == pair}
        if "typst" not in by_engine:
            continue
        typst_cost = by_engine["typst"]["per_titre"]
        office_row, floor_row = by_engine.get("libreoffice"), by_engine.get("reportlab")
        faster = f"{office_row['per_titre'] / typst_cost:.1f}× faster" if office_row else "—"
        slower = f"{typst_cost / floor_row['per_titre']:.1f}× the floor" if floor_row else "—"
        out.append(f"| {pair[0]} / {pair[1]} | {faster} | {slower} |")
    return "\n".join(out)


from performance_doc import write_section  # noqa: E402  (bench/ is the script's own folder)

BEGIN, END = "<!-- bench:titre-engines:begin -->", "<!-- bench:titre-engines:end -->"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        engine, *args = sys.argv[2:]
        if engine == "reportlab":
            child_reportlab(*args)
        else:
            child_render(engine, *args)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default=",".join(f"{a}:{b}" for a, b in PAIRS))
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument(
        "--from-log",
        nargs="*",
        help="summarise the measurements printed by earlier runs (their stderr) instead",
    )
    args = parser.parse_args()
    pairs = tuple(tuple(int(n) for n in pair.split(":")) for pair in args.pairs.split(","))
    engines = tuple(args.engines.split(","))
    if "libreoffice" in engines and not shutil.which("soffice"):
        sys.exit("soffice is missing: run scripts/bench-deps (as root) first")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.from_log:
        results = [
            ast.literal_eval(line)
            for log in args.from_log
            for line in Path(log).read_text().splitlines()
            if line.startswith("{'engine'")
        ]
    else:
        results = run(pairs, engines)
    result = tables(summarise(results, pairs))
    print(result)
    if not args.no_write:
        write_section(BEGIN, END, result)


if __name__ == "__main__":
    main()
