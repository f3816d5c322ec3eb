"""The English catalogue covers every string the code marks for translation.

`test_settings` checks that the catalogue's own entries are translated; this one extracts the
strings again (Django's makemessages, run on a copy of the sources) so that a string added
without its English fails here, not in front of an English-speaking user.
"""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCES = (".git", ".venv", ".tools", "var", "node_modules", "__pycache__", "*.mo")

pytestmark = [
    pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is missing"),
    # The same files whatever the database: the SQLite half runs it.
    pytest.mark.skipif(connection.vendor != "sqlite", reason="database-independent"),
]


def test_every_string_marked_for_translation_has_its_english(tmp_path, settings, monkeypatch):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(*NOT_SOURCES))
    settings.LOCALE_PATHS = [str(tree / "locale")]
    monkeypatch.chdir(tree)  # makemessages writes beside the files it reads: into the copy
    call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
    po = (tree / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]  # the first entry is the header
    missing = [e for e in entries if e.rstrip().endswith('msgstr ""') or "#, fuzzy" in e]
    assert missing == [], f"{len(missing)} strings without English, first: {missing[:3]}"
