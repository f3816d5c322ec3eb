"""The generated consortium of bench/pages.py: made once per set of options, then restored.

Generating the full size takes minutes (`manage.py generate_consortium`); its pg_dump is kept
in var/bench/ under a name made of the generator's options, so a rerun restores it in seconds.
Runs against the throwaway cluster of scripts/with-postgres (`DATABASE_URL`).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DUMPS = ROOT / "var" / "bench"
PYTHON = sys.executable

#: Issue 17's consortium: 2,000 partners, 3,000 tenants (308 shared), five years, 30 meetings.
FULL = {
    "partners": 2000,
    "tenants": 3000,
    "shared": 308,
    "years": 5,
    "meetings": 30,
    "seats": 2000,
    "partner-users": 10,
    "seed": 17,
}
SMALL = {
    "partners": 200,
    "tenants": 300,
    "shared": 30,
    "years": 2,
    "meetings": 4,
    "seats": 200,
    "partner-users": 10,
    "seed": 17,
}
PASSWORD = "ligeris-essai-2026"


def _bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else (shutil.which(name) or name)


def dump_path(options: dict) -> Path:
    key = "-".join(f"{name}{value}" for name, value in options.items())
    return DUMPS / f"pages-{key}.dump"


def _create_database(url: str) -> None:
    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    name = parts.path.lstrip("/")
    subprocess.run(  # noqa: S603
        [_bin("psql"), admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True
    )
    subprocess.run([_bin("psql"), admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)  # noqa: S603


def manage(*args: str, env: dict | None = None) -> None:
    subprocess.run([PYTHON, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)  # noqa: S603


def prepare(options: dict, *, regenerate: bool = False, log=print) -> str:
    """Restore (or generate then dump) the consortium into DATABASE_URL; what was done."""
    url = os.environ["DATABASE_URL"]
    env = {**os.environ, "DJANGO_ENV": "development"}
    dump = dump_path(options)
    _create_database(url)
    start = time.perf_counter()
    if dump.exists() and not regenerate:
        subprocess.run(  # noqa: S603
            [_bin("pg_restore"), "--no-owner", "-j", "2", "-d", url, str(dump)], check=True
        )
        manage("migrate", "--noinput", "-v", "0", env=env)  # migrations newer than the dump
        done = f"restored {dump.name} in {time.perf_counter() - start:.0f} s"
    else:
        manage("migrate", "--noinput", "-v", "0", env=env)
        flags = [f"--{name}={value}" for name, value in options.items()]
        manage("generate_consortium", *flags, f"--password={PASSWORD}", env=env)
        generated = time.perf_counter() - start
        DUMPS.mkdir(parents=True, exist_ok=True)
        partial = dump.with_suffix(".partial")
        subprocess.run([_bin("pg_dump"), "-Fc", "-f", str(partial), url], check=True)  # noqa: S603
        partial.rename(dump)
        done = f"generated in {generated:.0f} s, kept as {dump.name}"
    manage("createcachetable", env=env)
    # A restored dump has no planner statistics (pg_restore does not carry them) and autovacuum
    # gathers them later, whenever: a live database has them. Without, the titres list's
    # queries took 190 ms of PostgreSQL instead of 40.
    subprocess.run([_bin("psql"), url, "-qc", "ANALYZE"], check=True)  # noqa: S603
    log(f"Database: {done}, analysed")
    return done


if __name__ == "__main__":
    # `scripts/with-postgres .venv/bin/python bench/pages_db.py [--small]`: only make the dump.
    prepare(SMALL if "--small" in sys.argv else FULL, regenerate="--regenerate" in sys.argv)
