"""Backups that can be restored: the database, the uploaded files and a manifest of what must
come back identical (`accounts.integrity`).

- SQLite (the embedded default): SQLite's online backup API, consistent while the server runs.
- PostgreSQL: `pg_dump --format=custom`, restored by `pg_restore --clean --if-exists`.

A backup directory holds `database.sqlite3` or `database.dump`, `media/` and `manifest.json`.
"""

import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import connection

from accounts import integrity

MANIFEST = "manifest.json"


def _postgres_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=_version)
    if not candidates:
        raise FileNotFoundError(
            f"{name} est introuvable : installez les outils clients PostgreSQL."
        )
    return str(candidates[-1])


def _version(path: Path) -> int:
    version = path.parent.parent.name
    return int(version) if version.isdigit() else 0


def _postgres_args(database: dict) -> tuple[list[str], dict]:
    args = [
        "--host",
        database.get("HOST") or "localhost",
        "--port",
        str(database.get("PORT") or 5432),
    ]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = {**os.environ, "PGPASSWORD": database.get("PASSWORD") or ""}
    return args, env


def backup(destination: Path) -> dict:
    """Write the database, the media files and the manifest into `destination` (created)."""
    destination = Path(destination)
    destination.mkdir(parents=True, exist_ok=False)
    manifest = integrity.report()
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(destination / "database.sqlite3")) as target:
            connection.connection.backup(target)
    else:
        args, env = _postgres_args(database)
        subprocess.run(  # noqa: S603 (pg_dump, on the configured database)
            [_postgres_binary("pg_dump"), *args, "--format=custom", "--no-owner",
             "--file", str(destination / "database.dump"), database["NAME"]],
            env=env, check=True, capture_output=True, timeout=3600,
        )  # fmt: skip
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, destination / "media")
    (destination / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


def restore(source: Path, *, database_name: str | None = None) -> dict:
    """Put a backup back: the database (into `database_name` on PostgreSQL, the configured one
    otherwise) and the media files. Returns the manifest saved with the backup.

    The application must be stopped: a restore replaces what is there.
    """
    source = Path(source)
    manifest = json.loads((source / MANIFEST).read_text())
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(source / "database.sqlite3")) as saved:
            saved.backup(connection.connection)
    else:
        args, env = _postgres_args(database)
        subprocess.run(  # noqa: S603 (pg_restore, on a backup we wrote)
            [_postgres_binary("pg_restore"), *args, "--clean", "--if-exists", "--no-owner",
             "--single-transaction", "--dbname", database_name or database["NAME"],
             str(source / "database.dump")],
            env=env, check=True, capture_output=True, timeout=3600,
        )  # fmt: skip
    if (source / "media").is_dir():
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        shutil.copytree(source / "media", media)
    return manifest
