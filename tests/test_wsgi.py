"""The WSGI application freezes what it loads (ligeris/wsgi.py): the full garbage collections
of a server's worker then walk what its requests made, not the whole application."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_loading_the_wsgi_application_freezes_its_objects():
    # In a process of its own: frozen objects are never collected, the suite's would stay.
    script = "import gc, sys; import ligeris.wsgi; print(gc.get_freeze_count(), 'ligeris.urls' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ligeris.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    frozen, urls_loaded = done.stdout.split()
    assert urls_loaded == "True"
    assert int(frozen) > 50_000  # the application, its URL modules and libraries
