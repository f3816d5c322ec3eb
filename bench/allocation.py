"""Benchmark: the allocation engine for 20 to 20,000 tenants × 6 pools, the recap XLSX for 2,000.

Run with `make bench` (or `.venv/bin/python bench/allocation.py`). Prints Markdown tables and
writes them into docs/PERFORMANCE.md, between its bench markers. Not a test: nothing here asserts a duration.
"""

import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")

import django

django.setup()
from ligeris.lib.scopes import unscope_script  # noqa: E402

unscope_script()  # a bench reads and writes every consortium's rows

from decimal import Decimal  # noqa: E402

from billing import allocation  # noqa: E402
from billing.explain import _base_text, share_base  # noqa: E402
from billing.exports import recap_xlsx  # noqa: E402
from billing.models import AllocationKey, CostPool, PoolCategory  # noqa: E402
from billing.recap import Recap, RecapRow, TrueUpLine  # noqa: E402
from billing.selectors import PoolAmount  # noqa: E402
from partners.models import Consortium, Partner, Tenant  # noqa: E402
from titres.models import FiscalYear  # noqa: E402
from titres.money import from_cents  # noqa: E402

SIZES = (20, 200, 2_000, 20_000)
REPEATS = 5


def inputs(n: int, seed: int = 42):
    rng = random.Random(seed)  # noqa: S311 (synthetic data)
    members = [allocation.MemberInput(str(i), f"Partenaire {i:05d}") for i in range(max(1, n // 2))]
    tenants = [
        allocation.TenantInput(
            code=f"t{i:05d}",
            payer=members[i % len(members)].key,
            months=12 if rng.random() > 0.1 else rng.randint(1, 11),
            volume_mb=rng.randint(1_000, 50_000_000),
        )
        for i in range(n)
    ]
    pools = [
        allocation.PoolInput("heb", allocation.PER_TENANT, 123_456_789),
        allocation.PoolInput("vol", allocation.STORAGE_VOLUME, 98_765_432),
        allocation.PoolInput("rh", allocation.STAFF_TIME, 1_200_000),
        allocation.PoolInput("inst", allocation.EQUAL_PER_MEMBER, 5_000_000),
        allocation.PoolInput("mig", allocation.DIRECT, 250_000, direct_tenant=tenants[0].code),
        allocation.PoolInput("pen", allocation.PER_TENANT, -57_000),
    ]
    return pools, tenants, members


def best_of(function, repeats: int = REPEATS) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def bench_allocation() -> list[tuple[int, int, float, float]]:
    rows = []
    for n in SIZES:
        pools, tenants, members = inputs(n)
        shares = allocation.allocate(pools, tenants, members)
        seconds = best_of(lambda p=pools, t=tenants, m=members: allocation.allocate(p, t, m))
        keys = {p.code: p.key for p in pools}

        def explained(p=pools, t=tenants, m=members, k=keys):
            _base_text.cache_clear()  # a cold cache each time, as in a fresh run
            return [share_base(s, k[s.pool]) for s in allocation.allocate(p, t, m)]

        rows.append((n, len(shares), seconds, best_of(explained, repeats=3)))
    return rows


def recap_of(n: int) -> Recap:
    """An in-memory recap (unsaved model instances) with the shares of `n` tenants."""
    pools, tenant_inputs, members = inputs(n)
    billed = allocation.allocate(pools, tenant_inputs, members)
    consortium = Consortium(name="Ligeris", short_name="Ligeris")
    year = FiscalYear(consortium=consortium, year=2026)
    partners = {m.key: Partner(name=m.sort_name, short_name=m.sort_name) for m in members}
    tenants = {t.code: Tenant(code=t.code, name=f"Tenant {t.code}") for t in tenant_inputs}
    keys = {p.code: p.key for p in pools}
    lines = [
        TrueUpLine(
            pool_code=s.pool,
            pool_label=s.pool.upper(),
            key_label=str(AllocationKey(keys[s.pool]).label),
            tenant=tenants[s.tenant] if s.tenant else None,
            partner=partners[s.partner],
            borne_by_coordinator=s.partner == "0",
            base=f"{s.base} sur {s.base_total}",
            billed=from_cents(s.cents),
            actual=from_cents(s.cents + 1),
        )
        for s in billed
    ]
    rows: dict[str, RecapRow] = {}
    for line in lines:
        code = line.tenant.code if line.tenant else line.partner.short_name
        row = rows.setdefault(
            code, RecapRow(code, code, line.partner.short_name, False, actual=Decimal(0))
        )
        row.budget += line.billed
        row.actual += line.actual
    pool_amounts = [
        PoolAmount(
            CostPool(
                fiscal_year=year,
                code=p.code,
                label=p.code,
                key=p.key,
                category=PoolCategory.OPERATION,
            ),
            from_cents(p.amount_cents),
            from_cents(p.amount_cents),
            "",
        )
        for p in pools
    ]
    recap = Recap(year, None, None, pool_amounts, lines)
    recap.rows = sorted(rows.values(), key=lambda r: r.code)
    recap.partners = []
    return recap


def bench_recap_xlsx(n: int = 2_000) -> tuple[int, float, int]:
    recap = recap_of(n)
    size = len(recap_xlsx(recap))
    return len(recap.lines), best_of(lambda: recap_xlsx(recap), repeats=3), size


from performance_doc import write_section  # noqa: E402  (bench/ is the script's own folder)

BEGIN, END = "<!-- bench:allocation:begin -->", "<!-- bench:allocation:end -->"


def results() -> str:
    """The measured tables, in Markdown."""
    out = [
        f"Last run: {time.strftime('%Y-%m-%d')}, Python {platform.python_version()} on "
        f"{platform.machine()}, {os.cpu_count()} CPU(s).",
        "",
        "| Tenants | Pools | Shares | Allocation (best of 5) | With French explanations |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n, shares, seconds, explained in bench_allocation():
        out.append(
            f"| {n:,} | 6 | {shares:,} | {seconds * 1000:,.1f} ms | {explained * 1000:,.1f} ms |"
        )
    lines, seconds, size = bench_recap_xlsx()
    out += [
        "",
        "| Recap XLSX | Detail lines | File size | Time (best of 3) |",
        "|---|---:|---:|---:|",
        f"| 2,000 tenants | {lines:,} | {size / 1024:,.0f} KiB | {seconds * 1000:,.0f} ms |",
    ]
    return "\n".join(out)


def main() -> None:
    """Print the tables and write them between the markers of docs/PERFORMANCE.md."""
    tables = results()
    print(tables)
    write_section(BEGIN, END, tables)


if __name__ == "__main__":
    main()
