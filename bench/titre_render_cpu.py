"""Benchmark: the CPU of rendering titres in one process, step by step (issue 16).

Run with `.venv/bin/python bench/titre_render_cpu.py` (`--titres 300 --rounds 3`). Not a test:
nothing here asserts a duration. The titres are those of `bench/titre_pdfs.py` (five lines each,
real rows in a throwaway SQLite database), rendered in chunks of `RENDER_CHUNK` as
`titres.tasks.render_pdfs` does, after one warm-up chunk; every round renders titres not seen
before (Typst memoizes layouts across compiles: a titre rendered again costs a quarter). For each chunk, the CPU time
(`time.process_time`) of each step of `titres.titre_pdf.render_titres`: the template's JSON, the
compile, the query of the first pages, the split into one PDF per titre. Prints ms per titre.

`--template A.typ,B.typ` renders with each template in turn, alternated round by round (A B A B),
to compare a change of the template on the same titres; `--profile` prints a cProfile of one round.
"""

import argparse
import cProfile
import json
import pstats
import resource
import sys
import time
from pathlib import Path

import titre_pdfs as bench_titres  # sets Django up on its own throwaway database
from django.core.management import call_command
from django.utils import translation

from ligeris.lib import pdf_split
from ligeris.lib import typst as lib_typst
from titres import titre_pdf
from titres.tasks import RENDER_CHUNK


def render(chunk, template: Path, steps: dict) -> dict[int, bytes]:
    """`titre_pdf.render_titres`, its steps timed apart (into `steps`, seconds of CPU)."""
    clock = time.process_time
    t0 = clock()
    titre_pdf.write_logos(chunk)
    data = titre_pdf.titres_data(chunk)
    t1 = clock()
    typst_compiler = lib_typst.compiler(template, titre_pdf.logo_root())
    pdf = typst_compiler.compile(
        format="pdf",
        sys_inputs={"data": json.dumps(lib_typst.printable(data), ensure_ascii=False)},
        pdf_standards=[lib_typst.PDFA_3B],
        pdf_tags=False,
    )
    t2 = clock()
    starts = json.loads(typst_compiler.query(titre_pdf.STARTS, field="value", one=True))
    t3 = clock()
    with translation.override("fr"):
        titles = [lib_typst.printable(titre_pdf.pdf_title(t)) for t in chunk]
    parts = pdf_split.split(pdf, [page - 1 for page in starts], titles)
    t4 = clock()
    for name, spent in (("data", t1 - t0), ("compile", t2 - t1), ("query", t3 - t2)):
        steps[name] = steps.get(name, 0.0) + spent
    steps["split"] = steps.get("split", 0.0) + t4 - t3
    return dict(zip((t.pk for t in chunk), parts, strict=True))


def one_round(titres, template: Path) -> dict:
    steps: dict[str, float] = {}
    for start in range(0, len(titres), RENDER_CHUNK):
        render(titres[start : start + RENDER_CHUNK], template, steps)
    return steps


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titres", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--template", default=str(titre_pdf.TEMPLATE))
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    templates = [Path(t).resolve() for t in args.template.split(",")]
    call_command("migrate", verbosity=0, interactive=False)
    # Typst memoizes layouts across compiles: titres laid out once are nearly free the second
    # time. Each round renders titres of its own, as a batch does (none seen before).
    runs = args.rounds * len(templates) + (1 if args.profile else 0)
    everyone = bench_titres.load(bench_titres.build(args.titres * runs + RENDER_CHUNK))
    fresh = iter(range(RENDER_CHUNK, len(everyone), args.titres))

    def next_titres():
        start = next(fresh)
        return everyone[start : start + args.titres]

    for template in templates:  # warm-up: fonts, the compiler, the first layout
        render(everyone[:RENDER_CHUNK], template, {})
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(one_round, next_titres(), templates[0])
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    totals = {t: {} for t in templates}
    for index in range(args.rounds):
        for template in templates if index % 2 == 0 else templates[::-1]:
            titres = next_titres()
            steps = one_round(titres, template)
            for name, spent in steps.items():
                totals[template][name] = totals[template].get(name, 0.0) + spent
            per = {name: 1000 * spent / len(titres) for name, spent in steps.items()}
            print(
                f"round {index + 1} {template.name}: "
                + ", ".join(f"{name} {ms:.2f}" for name, ms in per.items())
                + f", total {sum(per.values()):.2f} ms/titre (max RSS {_rss_mib():.0f} MiB)",
                file=sys.stderr,
            )
    print(f"\n{args.titres} titres, chunks of {RENDER_CHUNK}, {args.rounds} rounds; CPU ms/titre")
    for template, steps in totals.items():
        per = {name: 1000 * spent / args.titres / args.rounds for name, spent in steps.items()}
        print(
            f"{template.name}: "
            + ", ".join(f"{name} {ms:.2f}" for name, ms in per.items())
            + f", total {sum(per.values()):.2f}"
        )


if __name__ == "__main__":
    main()
