"""Profile the governance lists and the partner user's pages, one at a time, in process.

    scripts/with-postgres .venv/bin/python bench/page_profile_portal.py --restore
    DATABASE_URL=... .venv/bin/python bench/page_profile_portal.py [--repeat 10] [--top 25]
        [--only decisions,"Mes titres"] [--profile]

On the generated consortium of bench/pages_db.py (`--restore` restores its dump first into
DATABASE_URL). Each page is requested through Django's test client (DEBUG off, the user signed
in with force_login), once to warm up then `--repeat` times. Prints per page: the median CPU
time of this process and of its PostgreSQL backend (bench/backend_cpu.py), their sum (the figure
to compare on a loaded machine: wall time counts the neighbours' turns), the query count, the
size; with `--profile`, the top cProfile entries of one more request (cumulative time).
Not a test and not bench/pages.py (gunicorn, the lead's table): a tool to find where a page's
time goes.
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
os.environ["DJANGO_SETTINGS_MODULE"] = "ligeris.settings"
os.environ["DEBUG"] = "0"  # no query log kept, templates as in production
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")


def _pages() -> dict[str, list[tuple[str, str]]]:
    """(name, URL) per user: the heaviest object of each kind."""
    from django.db.models import Count
    from django.urls import reverse

    from accounts.models import User
    from billing.models import RunKind
    from governance.models import Body
    from titres.models import FiscalYear, RevenueTitle

    partner_user = (
        User.objects.filter(email__startswith="partenaire", partner__isnull=False)
        .annotate(n=Count("partner__holdings"))
        .order_by("-n", "email")
        .first()
    )
    body = Body.objects.annotate(n=Count("seats")).order_by("-n", "pk").first()
    year = FiscalYear.objects.filter(runs__kind=RunKind.BUDGET).order_by("-year").first()
    titre = (
        RevenueTitle.objects.filter(debtor_id=partner_user.partner_id, number__isnull=False)
        .annotate(n=Count("payments"))
        .order_by("-n", "-pk")
        .first()
    )
    staff = [
        ("meetings list", reverse("governance:meeting_list")),
        ("bodies list", reverse("governance:body_list")),
        ("body detail", reverse("governance:body_detail", args=[body.pk])),
        ("decisions", reverse("governance:decision_list")),
        ("actions", reverse("governance:action_list")),
        ("frequency", reverse("governance:frequency")),
    ]
    partner = [
        ("partner home", reverse("home")),
        ("Mes quotes-parts", reverse("billing:my_shares")),
        ("Mes titres", reverse("billing:my_titres")),
        ("its decisions", reverse("governance:decision_list")),
        ("its meetings", reverse("governance:meeting_list")),
        ("inbox", reverse("membership:inbox")),
        ("orders", reverse("billing:order_list")),
        ("recap (partner)", reverse("billing:recap", args=[year.year])),
    ]
    if titre is not None:
        partner.insert(3, ("a titre of its own", reverse("billing:titre_detail", args=[titre.pk])))
    return {"finance@essai.localhost": staff, partner_user.email: partner}


def _measure(client, url: str, repeat: int) -> dict:
    from backend_cpu import server_cpu
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up: caches, compiled templates
    own, backend, queries = [], [], 0
    for _ in range(repeat):
        start_backend, start = server_cpu(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        own.append((time.process_time() - start) * 1000)
        backend.append((server_cpu() - start_backend) * 1000)
        queries = len(captured)
    return {
        "status": response.status_code,
        "cpu": statistics.median(own),
        "backend": statistics.median(backend),
        "total": statistics.median(a + b for a, b in zip(own, backend, strict=True)),
        "queries": queries,
        "size": len(response.content),
    }


def _profile(client, url: str, top: int) -> str:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the neighbours
    profiler.enable()
    client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restore", action="store_true", help="restore the dump first")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", default="", help="page names, comma-separated")
    parser.add_argument("--profile", action="store_true", help="cProfile one more request")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        sys.exit("Needs DATABASE_URL (scripts/with-postgres).")
    if args.restore:
        import pages_db

        pages_db.prepare(pages_db.FULL)
    import django

    django.setup()
    from ligeris.lib.scopes import unscope_script

    unscope_script()  # a bench reads and writes every consortium's rows
    from django.test import Client

    from accounts.models import User

    only = {name.strip() for name in args.only.split(",") if name.strip()}
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'page':22} {'status':>6} {'CPU':>9} {'backend':>9} {'sum':>9} {'queries':>7} {'KiB':>7}"
    )
    for email, pages in _pages().items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        for name, url in pages:
            if only and name not in only:
                continue
            row = _measure(client, url, args.repeat)
            print(
                f"{name:22} {row['status']:>6} {row['cpu']:>7.0f}ms {row['backend']:>7.0f}ms "
                f"{row['total']:>7.0f}ms {row['queries']:>7} {row['size'] / 1024:>7.0f}",
                flush=True,
            )
            if args.profile:
                print(_profile(client, url, args.top))


if __name__ == "__main__":
    main()
