"""Hostile files through the import page (issue 10): each gets a French message, no server error,
nothing saved, and reading it adds less than 200 MB to the process."""

import gc
import html
import io
import os
import resource
import subprocess
import sys
import threading
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openpyxl
import openpyxl.xml
import pytest
from defusedxml import DefusedXmlException
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.models import StorageVolume, VolumeImport
from ligeris.lib.tabular.xlsx import causes
from tests import hostile_files

MEMORY_BOUND = 200 * 1024 * 1024
SECRET = "SECRET-XXE-7f3a9c"
KEYS = [hostile.key for hostile in hostile_files.corpus()]
XML_ATTACKS = [key for key in KEYS if key.startswith(("billion", "xxe"))]


class _Listener(BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self):
        self.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'<!ENTITY leak "fetched">')

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A real HTTP server on localhost: an XXE that fetched anything would show in `requests`."""
    handler = type("Handler", (_Listener,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}/xxe.dtd"
    server.requests = handler.requests
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def hostile_corpus(tmp_path, listener) -> dict[str, hostile_files.Hostile]:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    files = hostile_files.corpus(secret_path=str(secret), url=listener.url)
    return {hostile.key: hostile for hostile in files}


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def upload_measured(client, name: str, data: bytes):
    """The response, the tracemalloc peak of the request and the growth of the peak RSS."""
    upload = SimpleUploadedFile(name, data)
    gc.collect()
    rss_before = _peak_rss()
    tracemalloc.start()
    try:
        response = client.post(reverse("billing:volume_import"), {"file": upload})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return response, peak, _peak_rss() - rss_before


@pytest.mark.parametrize("key", KEYS)
def test_a_hostile_file_is_refused_in_french_within_bounds(
    world, client_for, hostile_corpus, listener, key
):
    hostile = hostile_corpus[key]
    data = hostile.make()
    client = client_for("finance")
    assert client.get(reverse("billing:volume_import")).status_code == 200  # imports done
    before = (VolumeImport.objects.count(), StorageVolume.objects.count())

    response, peak, rss_growth = upload_measured(client, hostile.file_name, data)

    assert response.status_code == 422
    text = html.unescape(response.content.decode())
    assert hostile.message in text
    assert "rien n'a été enregistré" in text
    assert (VolumeImport.objects.count(), StorageVolume.objects.count()) == before
    assert peak < MEMORY_BOUND, f"{peak / 2**20:.0f} MiB traced"
    assert rss_growth < MEMORY_BOUND, f"peak RSS grew by {rss_growth / 2**20:.0f} MiB"
    assert SECRET not in text  # nothing was read from the disk
    assert listener.requests == []  # nothing was fetched


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.LXML is False  # lxml is installed (PES), but openpyxl does not use it


@pytest.mark.parametrize("key", XML_ATTACKS)
def test_openpyxl_alone_refuses_the_xml_attacks(hostile_corpus, listener, key):
    """Behind the archive checks, openpyxl itself expands and fetches nothing."""
    data = hostile_corpus[key].make()
    with pytest.raises(ValueError) as raised:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            assert SECRET not in str(row)
    assert any(isinstance(error, DefusedXmlException) for error in causes(raised.value))
    assert listener.requests == []


def test_the_application_will_not_start_if_openpyxl_skips_defusedxml():
    result = subprocess.run(
        [sys.executable, "-c", "import ligeris.lib.tabular.xlsx"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "OPENPYXL_DEFUSEDXML": "False"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "defusedxml" in result.stderr
