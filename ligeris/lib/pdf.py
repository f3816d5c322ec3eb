"""PDF rendering: Django templates through WeasyPrint, fetching only our own static files."""

import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: PDF templates name their stylesheets, fonts and images `static:<path>`.
STATIC_SCHEME = "static:"


class StaticOnlyFetcher(URLFetcher):
    """Serve `static:<path>` from the project's static files and refuse every other URL.

    A PDF is rendered from what users typed: no template may make the server fetch a URL.
    """

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_SCHEME):
            raise ValueError(f"Ressource refusée dans un PDF : {url}")
        relative = url.removeprefix(STATIC_SCHEME).lstrip("/")
        found = finders.find(relative)
        if not found:
            raise ValueError(f"Fichier statique introuvable : {relative}")
        path = Path(found).resolve()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(template_name: str, context: dict, *, variant: str | None = None) -> bytes:
    """The PDF bytes of `template_name` rendered with `context`.

    `variant` is a WeasyPrint PDF variant such as ``"pdf/a-3b"``.
    """
    html = render_to_string(template_name, context)
    document = HTML(string=html, url_fetcher=StaticOnlyFetcher())
    options = {"pdf_variant": variant} if variant else {}
    return document.write_pdf(**options)


def render_document(template_name: str, context: dict):
    """The laid-out WeasyPrint document, for callers that write its pages in several PDFs."""
    html = render_to_string(template_name, context)
    return HTML(string=html, url_fetcher=StaticOnlyFetcher()).render()
