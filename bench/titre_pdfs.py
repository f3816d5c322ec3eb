"""Benchmark: the PDFs of 20, 200 and 2,000 titres, one render per titre against batch renders.

Run with `make bench` (or `.venv/bin/python bench/titre_pdfs.py`; `--sizes 20,200` for a quick run).
Prints Markdown tables and writes them into docs/PERFORMANCE.md, between its bench markers. Not
a test: nothing here asserts a duration.

The titres are real rows in a throwaway SQLite database (issued, with a snapshot as the issuing
service writes it and five lines each), read back the way `billing.tasks` reads them. Each
measurement runs in a forked child pinned to one CPU, after one warm-up render, so that its
peak memory is its own. Three ways to render:

- one render per titre: `render_titres([titre])` for each titre;
- one render for all: `render_titres(titres)`, one layout split into one PDF per titre;
- chunks of 50: `render_titres` on 50 titres at a time, as `titres.tasks.render_missing` does.
"""

import argparse
import contextlib
import datetime
import itertools
import json
import os
import platform
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "ligeris.settings"
os.environ.pop("DATABASE_URL", None)  # never PostgreSQL: the rows go to a throwaway SQLite file
_VAR = tempfile.TemporaryDirectory(prefix="ligeris-bench-")
os.environ["LIGERIS_VAR_DIR"] = _VAR.name

import django  # noqa: E402

django.setup()
from ligeris.lib.scopes import unscope_script  # noqa: E402

unscope_script()  # a bench reads and writes every consortium's rows

import typst  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing.services import grids  # noqa: E402
from billing.services.titres import party_snapshot  # noqa: E402
from partners.models import Consortium, Partner, PartnerKind  # noqa: E402
from partners.services import partners_bulk_create  # noqa: E402
from titres.models import (  # noqa: E402
    BatchState,
    RevenueTitle,
    TitreBatch,
    TitreKind,
    TitreLine,
    TitreState,
)
from titres.tasks import RENDER_CHUNK  # noqa: E402
from titres.titre_pdf import render_titres  # noqa: E402

SIZES = (20, 200, 2_000)
#: One render per titre is measured on at most this many titres, then extrapolated.
SINGLE_SAMPLE = 200
LINES = 5
ISSUED_ON = datetime.date(2026, 1, 20)
CPU = int(os.environ.get("BENCH_CPU", "0"))
_SIRENS = itertools.count(1)  # SIRETs are unique across the table: one per partner of every size


# --- The titres ---------------------------------------------------------------------------------


def build(n: int, seed: int = 42) -> list[int]:
    """`n` issued titres of five lines each to `n // 2` debtors; their primary keys."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    coordinator_fields = {
        "name": "Département d'Indre-et-Loire",
        "short_name": "Indre-et-Loire",
        "kind": PartnerKind.DEPARTEMENT,
        "siret": f"1{next(_SIRENS):08d}00017",
        "address": "Hôtel du Département, place de la Préfecture",
        "postal_code": "37000",
        "city": "Tours",
        "billing_email": "finances@indre-et-loire.localhost",
        "representative_name": "M. Jean-Gérard Paumier",
        "representative_title": "Président du Conseil départemental",
    }
    consortium = Consortium.objects.create(name=f"Ligeris — banc d'essai {n}", short_name="Ligeris")
    coordinator = Partner.objects.create(consortium=consortium, **coordinator_fields)
    consortium.coordinator = coordinator
    consortium.save(update_fields=["coordinator"])
    fiscal_year = grids.fiscal_year_create(consortium=consortium, year=2026)
    batch = TitreBatch.objects.create(
        fiscal_year=fiscal_year,
        issue_date=ISSUED_ON,
        state=BatchState.ISSUED,
        number=1,
        issued_at=timezone.now(),
    )
    debtors = partners_bulk_create(
        Partner(
            consortium=consortium,
            name=f"Communauté de communes n° {i:04d} du Val de Loire",
            short_name=f"CC {i:04d}",
            kind=PartnerKind.COMMUNE,
            siret=f"2{next(_SIRENS):08d}00019",
            address=f"{i % 90 + 1} avenue de la République",
            postal_code=f"{41000 + i % 999:05d}",
            city=f"Saint-Martin-sur-Loire {i:04d}",
            billing_email=f"finances{i}@example.org",
            representative_name="Mme Claire Martin",
            representative_title="Présidente",
        )
        for i in range(max(1, n // 2))
    )
    legal = {
        "convention": "Convention de mutualisation pour un système d'archivage électronique "
        "« Ligeris »",
        "convention_signed_on": "2023-12-15",
        "article": "7",
        "deliberation": "délibération de la commission permanente du Conseil départemental "
        "d'Indre-et-Loire du 20 octobre 2023",
        "grid_year": 2026,
    }
    common = {
        "consortium": {"name": consortium.name, "short_name": consortium.short_name},
        "issuer": party_snapshot(coordinator),
        "signatory": {
            "last_name": "Paumier",
            "first_names": "Jean-Gérard",
            "role": "Président du Conseil départemental d'Indre-et-Loire",
        },
        "legal": legal,
        "imputation": {
            "chapter": "70",
            "article": "70878",
            "label": "Remboursements de frais par d'autres redevables",
        },
        "payment": {
            "accountant": "Paierie départementale d'Indre-et-Loire",
            "accountant_address": "Place de la Préfecture, 37000 Tours",
            "iban": "FR8030001004111C37000000004",
            "bic": "BDFEFRPPCCT",
        },
        "court": {
            "name": "Tribunal administratif d'Orléans",
            "address": "28 rue de la Bretonnerie, 45057 Orléans Cedex 1",
        },
        "batch_number": 1,
        "original": None,
    }
    titres, lines = [], []
    for i in range(n):
        debtor = debtors[i % len(debtors)]
        code = f"t{i:05d}"
        amounts = [Decimal(rng.randint(10_000, 900_000)) / 100 for _ in range(LINES)]
        titre = RevenueTitle(
            consortium=consortium,
            fiscal_year=fiscal_year,
            batch=batch,
            kind=TitreKind.ANNUAL,
            state=TitreState.ISSUED,
            exercise=2026,
            number=i + 1,
            debtor=debtor,
            object=f"Participation 2026 aux frais de la mutualisation Ligeris, tenant {code} "
            "(terme à échoir)",
            total=sum(amounts),
            issued_on=ISSUED_ON,
            due_on=ISSUED_ON + datetime.timedelta(days=30),
            issued_at=timezone.now(),
            snapshot={
                **common,
                "debtor": party_snapshot(debtor),
                "tenant": {"code": code, "name": f"Tenant {code}"},
            },
        )
        titres.append(titre)
        bases = (
            "À parts égales entre les membres : 1 membre sur 19",
            "Par tenant : 12 mois facturables sur 156 mois-tenants",
            "Temps RH du coordonnateur, par tenant : 12 mois facturables sur 156 mois-tenants",
            f"Volumétrie au 1er janvier : {rng.randint(1, 400) / 100:.2f} To sur 15,74 To",
            "Imputation directe : migration des données du tenant",
        )
        labels = (
            "Installation de la nouvelle solution",
            f"Hébergement, infogérance et maintenance — {code}",
            f"Temps RH du coordonnateur — {code}",
            f"Stockage (volumétrie au 1er janvier) — {code}",
            f"Reprise des données — {code}",
        )
        lines.append(list(zip(labels, bases, amounts, strict=True)))
    # Straight to the table, as the issuing service leaves them (the models refuse lines added to
    # an issued titre; their base manager does not check, and SQLite has no trigger).
    RevenueTitle.objects.bulk_create(titres)
    TitreLine._base_manager.bulk_create(
        TitreLine(titre=titre, position=p, label=label, base=base, amount=amount)
        for titre, rows in zip(titres, lines, strict=True)
        for p, (label, base, amount) in enumerate(rows, start=1)
    )
    return [t.pk for t in titres]


def load(pks: list[int]) -> list[RevenueTitle]:
    """The titres as `billing.tasks` reads them: debtor and tenant joined, lines prefetched."""
    return list(
        RevenueTitle.objects.filter(pk__in=pks)
        .select_related("debtor", "tenant")
        .prefetch_related("lines")
        .order_by("number")
    )


# --- Measuring in a child process ---------------------------------------------------------------


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so the peak is this measurement's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _single(titres: list[RevenueTitle]) -> int:
    pages = 0
    for titre in titres:
        pages += len(render_titres([titre]))
    return pages


def _batch(titres: list[RevenueTitle], chunk: int) -> int:
    pdfs = 0
    for start in range(0, len(titres), chunk):
        pdfs += len(render_titres(titres[start : start + chunk]))
    return pdfs


def measure(mode: str, titres: list[RevenueTitle]) -> dict:
    """Render `titres` in a forked child on one CPU: wall and CPU seconds, peak memory (MiB)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            os.sched_setaffinity(0, {CPU})
            render_titres(titres[:1])  # warm-up: fonts, the compiler
            _reset_peak()
            baseline = _status_kib("VmRSS")
            wall, cpu = time.perf_counter(), time.process_time()
            if mode == "single":
                pdfs = _single(titres)
            else:
                pdfs = _batch(titres, len(titres) if mode == "all" else RENDER_CHUNK)
            result = {
                "pdfs": pdfs,
                "wall": time.perf_counter() - wall,
                "cpu": time.process_time() - cpu,
                "peak_mib": (_status_kib("VmHWM") - baseline) / 1024,
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
        raise RuntimeError(f"{mode} × {len(titres)}: {result['error']}")
    assert result["pdfs"] == len(titres), result
    return result


# --- Tables -------------------------------------------------------------------------------------


MODES = (
    ("single", "one render per titre"),
    ("chunks", f"chunks of {RENDER_CHUNK}, split"),
    ("all", "one render for all, split"),
)


def run(sizes: tuple[int, ...]) -> list[dict]:
    call_command("migrate", verbosity=0, interactive=False)
    rows = []
    for n in sizes:
        titres = load(build(n))
        connections.close_all()  # no SQLite connection across fork: the children do not query
        for mode, label in MODES:
            sample = titres[:SINGLE_SAMPLE] if mode == "single" else titres
            if mode == "chunks" and n <= RENDER_CHUNK:
                continue  # the same as one render for all
            result = measure(mode, sample)
            per_titre_wall = result["wall"] / len(sample)
            rows.append(
                {
                    "n": n,
                    "mode": label,
                    "renders": {"single": n, "chunks": -(-n // RENDER_CHUNK), "all": 1}[mode],
                    "measured": len(sample),
                    "total": per_titre_wall * n,
                    "per_titre": per_titre_wall,
                    "cpu_per_titre": result["cpu"] / len(sample),
                    "peak_mib": result["peak_mib"],
                }
            )
            print(rows[-1], file=sys.stderr)
    return rows


def tables(rows: list[dict]) -> str:
    out = [
        f"Last run: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"Typst {typst.__version__}, on {platform.machine()}, one CPU "
        f"(`sched_setaffinity`) of {os.cpu_count()}. Five lines per titre, one page each.",
        "",
        "| Titres | Mode | Renders | Total | Per titre | CPU per titre | Peak memory |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        extrapolated = row["measured"] < row["n"]
        total = f"{row['total']:,.1f} s" + (
            f" (est. from {row['measured']})" if extrapolated else ""
        )
        renders = f"{row['renders']:,}"
        out.append(
            f"| {row['n']:,} | {row['mode']} | {renders} | {total} | "
            f"{row['per_titre'] * 1000:,.0f} ms | {row['cpu_per_titre'] * 1000:,.0f} ms | "
            f"+{row['peak_mib']:,.0f} MiB |"
        )
    out += ["", "| Titres | Batch (chunks) vs one render per titre |", "|---:|---:|"]
    for n in sorted({row["n"] for row in rows}):
        by_mode = {row["mode"]: row for row in rows if row["n"] == n}
        single = by_mode.get(MODES[0][1])
        batch = by_mode.get(MODES[1][1]) or by_mode.get(MODES[2][1])
        if single and batch:
            out.append(f"| {n:,} | {single['per_titre'] / batch['per_titre']:.2f}× |")
    return "\n".join(out)


from performance_doc import write_section  # noqa: E402  (bench/ is the script's own folder)

BEGIN, END = "<!-- bench:titres:begin -->", "<!-- bench:titres:end -->"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    sizes = tuple(int(size) for size in args.sizes.split(","))
    result = tables(run(sizes))
    print(result)
    if not args.no_write:
        write_section(BEGIN, END, result)


if __name__ == "__main__":
    main()
