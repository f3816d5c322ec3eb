"""Benchmark: the PES V2 flux of a batch of 20, 200 and 2,000 titres, with their PDFs.

Run with `make bench` (or `.venv/bin/python bench/pes.py`; `--sizes 20,200` for a quick run).
Prints a Markdown table and writes it into docs/PERFORMANCE.md between its bench markers. Not a
test: nothing here asserts a duration.

The titres are those of `bench/titre_pdfs.py` (five lines each, real rows in a throwaway SQLite
database); each gets a stored PDF: one real titre PDF, rendered once, with the titre's number
appended so that every document differs. The export is `titres.pes.services.pes_export`, as the
batch page calls it: read, build, validate against the XSD, read back, record. Each size runs in
a forked child pinned to one CPU, so that its peak memory is its own.
"""

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import titre_pdfs as bench_titres
from django.core.management import call_command
from django.db import connections
from lxml import etree

from titres.models import RevenueTitle, TitreDocument, TitreSettings
from titres.pes import services
from titres.titre_pdf import render_titres

SIZES = (20, 200, 2_000)
PES_CODES = {
    "pes_poste": "037000",
    "pes_siret": "20445676800017",
    "pes_collectivity_code": "037",
    "pes_budget_code": "01",
    "pes_product_code": "MUTU",
    "pes_function": "0202",
}


def build(n: int) -> tuple[int, int]:
    """`n` issued titres with a PDF each and the PES codes set: the batch's key, the PDF size."""
    pks = bench_titres.build(n)
    titres = list(RevenueTitle.objects.filter(pk__in=pks).select_related("batch", "consortium"))
    pdf = next(iter(render_titres(bench_titres.load(pks[:1])).values()))
    documents = []
    for titre in titres:
        content = pdf + f"%% titre {titre.number}\n".encode()
        documents.append(
            TitreDocument(
                titre=titre,
                pdf=content,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
        )
    TitreDocument.objects.bulk_create(documents)
    consortium = titres[0].consortium
    TitreSettings.objects.create(
        consortium=consortium,
        signatory_last_name="Paumier",
        signatory_first_names="Jean-Gérard",
        signatory_role="Président",
        approving_deliberation="délibération",
        accountant_name="Paierie départementale d'Indre-et-Loire",
        accountant_address="Tours",
        iban="FR8030001004111C37000000004",
        bic="BDFEFRPPCCT",
        **PES_CODES,
    )
    return titres[0].batch_id, len(pdf)


def measure(batch_pk: int) -> dict:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            os.sched_setaffinity(0, {bench_titres.CPU})
            etree.XMLSchema  # noqa: B018 (lxml loaded before the baseline)
            bench_titres._reset_peak()
            baseline = bench_titres._status_kib("VmRSS")
            from titres.models import TitreBatch

            batch = TitreBatch.objects.get(pk=batch_pk)
            wall, cpu = time.perf_counter(), time.process_time()
            _name, content = services.pes_export(batch=batch)
            result = {
                "wall": time.perf_counter() - wall,
                "cpu": time.process_time() - cpu,
                "bytes": len(content),
                "peak_mib": (bench_titres._status_kib("VmHWM") - baseline) / 1024,
            }
        except Exception as error:  # reported to the parent
            result = {"error": repr(error)}
        os.write(write, json.dumps(result).encode())
        os.close(write)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        result = json.loads(pipe.read() or b'{"error": "no result"}')
    os.waitpid(pid, 0)
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def run(sizes) -> str:
    call_command("migrate", verbosity=0, interactive=False)
    out = [
        f"Last run: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"lxml {etree.__version__}, on {platform.machine()}, one CPU of {os.cpu_count()}. "
        "Five lines and one PDF per titre.",
        "",
        "| Titres | PDF each | Flux | Export (wall) | CPU | CPU per titre | Peak memory |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in sizes:
        batch_pk, pdf_size = build(n)
        connections.close_all()  # no SQLite connection across fork
        result = measure(batch_pk)
        print(n, result, file=sys.stderr)
        out.append(
            f"| {n:,} | {pdf_size / 1024:,.0f} KiB | {result['bytes'] / 1024 / 1024:,.1f} MiB | "
            f"{result['wall']:,.2f} s | {result['cpu']:,.2f} s | {result['cpu'] / n * 1000:,.1f} ms | "
            f"+{result['peak_mib']:,.0f} MiB |"
        )
    return "\n".join(out)


from performance_doc import write_section  # noqa: E402  (bench/ is the script's own folder)

BEGIN, END = "<!-- bench:pes:begin -->", "<!-- bench:pes:end -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    result = run(tuple(int(size) for size in args.sizes.split(",")))
    print(result)
    if not args.no_write:
        write_section(BEGIN, END, result)


if __name__ == "__main__":
    main()
