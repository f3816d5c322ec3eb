"""Profile finance pages in process: server CPU (this process + its PostgreSQL backend), queries.

`DATABASE_URL=... .venv/bin/python bench/page_profile.py [-n 5] [--top 25] [--user EMAIL] NAME|URL...`
against a database holding the generated consortium (bench/pages_db.py restores it). NAME is one
of the finance pages of bench/pages_setup.py ("titres list", "a titre"…) or a path. Each page is
fetched once to warm up, then N times; the figures are medians of CPU time, not wall time, which
on a loaded machine counts the other processes' turns. `--top` prints cProfile's heaviest
entries (cumulative) of one more request. Not a test: nothing here asserts a duration.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ligeris.settings")
os.environ.setdefault("DEBUG", "false")


def _pages() -> dict:
    from pages_setup import _pages as pages

    return pages()["pages"]["finance"]


def measure(client, url: str, repeats: int) -> dict:
    from backend_cpu import server_cpu
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: caches, first compilation
    assert response.status_code in (200, 302), (url, response.status_code)
    own, backend, queries = [], [], 0
    for _ in range(repeats):
        start, start_db = time.process_time(), server_cpu()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        own.append((time.process_time() - start) * 1000)
        backend.append((server_cpu() - start_db) * 1000)
        queries = len(captured)
    return {
        "cpu": statistics.median(own),
        "db": statistics.median(backend),
        "queries": queries,
        "size": len(response.content) // 1024,
    }


def profile(client, url: str, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pages", nargs="*")
    parser.add_argument("-n", type=int, default=5)
    parser.add_argument("--top", type=int, default=0)
    parser.add_argument("--user", default="finance@essai.localhost")
    args = parser.parse_args()
    import django

    django.setup()
    from ligeris.lib.scopes import unscope_script

    unscope_script()  # a bench reads and writes every consortium's rows
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    settings.ALLOWED_HOSTS = ["*"]
    pages = _pages()
    client = Client()
    client.force_login(User.objects.get(email=args.user))
    print(f"{'page':<22} {'CPU ms':>8} {'PG ms':>8} {'total':>8} {'queries':>8} {'KiB':>6}")
    for name in args.pages or list(pages):
        url = pages.get(name, name)
        if name in ("recap XLSX",):
            continue
        figures = measure(client, url, args.n)
        total = figures["cpu"] + figures["db"]
        print(
            f"{name[:22]:<22} {figures['cpu']:>8.0f} {figures['db']:>8.0f} {total:>8.0f} "
            f"{figures['queries']:>8} {figures['size']:>6}",
            flush=True,
        )
        if args.top:
            print(profile(client, url, args.top))


if __name__ == "__main__":
    main()
