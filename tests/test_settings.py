"""Settings come from the environment, fail loudly, and production passes `check --deploy`."""

import gettext
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-for-the-deploy-check-only-9f8e7d6c5b4a39281706f5e4d3c2b1a0ZYXWV",
    "ALLOWED_HOSTS": "ligeris.example.org",
    "DATABASE_URL": "postgres://ligeris@127.0.0.1:5432/ligeris",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "EMAIL_HOST": "smtp.example.org",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DEBUG"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_with_zero_findings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = _manage("check", DEBUG="peut-être")
    assert result.returncode != 0
    assert "DEBUG='peut-être' is not a boolean" in result.stderr


def test_a_database_url_that_is_not_postgres_is_refused():
    result = _manage("check", DATABASE_URL="mysql://x@localhost/db")
    assert result.returncode != 0
    assert "DATABASE_URL must be a postgres://" in result.stderr


def test_embedded_default_is_sqlite_and_eager_celery(settings):
    if not os.environ.get("DATABASE_URL"):
        assert settings.DATABASES["default"]["ENGINE"] == "ligeris.lib.sqlite3"  # Django's, with
        assert connection.vendor == "sqlite"  # SQLite's own limit of variables (bulk writes)
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.dummy.DummyCache"


def test_security_headers_are_sent(client, db):
    response = client.get("/comptes/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_french_by_default_whatever_the_browser_says(client, db):
    response = client.get("/comptes/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr">' in response.text
    assert "Connexion" in response.text


def test_english_when_the_user_chooses_it(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/comptes/login/")
    assert '<html lang="en">' in response.text
    assert "Password" in response.text


def test_english_catalogue_is_complete_and_compiled():
    po = (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]  # the first entry is the header
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""') or "#, fuzzy" in e]
    assert untranslated == []
    with (ROOT / "locale/en/LC_MESSAGES/django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    # Every entry compiled (the catalogue also holds the header and both plural forms).
    assert len(compiled._catalog) >= len(entries)
