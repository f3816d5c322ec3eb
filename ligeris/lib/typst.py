"""PDF rendering through Typst: a template of our own, its data as JSON, our shipped fonts only.

The data go to the template through `sys.inputs` as one JSON string, never into its source: a
JSON string is text to Typst, so nothing users typed is ever read as markup or code. The
template's folder is Typst's root (it can read nothing outside it) and there are no packages to
fetch; the fonts are those of `static/fonts` alone (no system font, none of Typst's own), so a
PDF looks the same on every machine.
"""

import functools
import hashlib
import json
import os
import re
import tempfile
import threading
import unicodedata
from pathlib import Path

import typst
from anyascii import anyascii
from django.conf import settings
from fontTools.ttLib import TTFont

#: Every stored PDF is an archival one (PDF/A-3b: fonts embedded, sRGB output intent, XMP).
PDFA_3B = "a-3b"
FONTS_DIR = "static/fonts"


@functools.cache
def _fonts() -> typst.Fonts:
    """Loaded once per process: reading and indexing the font files is most of a start-up."""
    return typst.Fonts(
        include_system_fonts=False,
        include_embedded_fonts=False,
        font_paths=[str(Path(settings.BASE_DIR) / FONTS_DIR)],
    )


@functools.cache
def compiler(template: Path, root: Path | None = None) -> typst.Compiler:
    """One compiler per template and process: it keeps Typst's caches between compiles.

    The template's folder is its root, unless `root` is given (e.g. the images we wrote): then
    the template is copied in, named after its hash (processes of two releases may share the
    folder), and that folder is all it can read. Typst's query needs the template as a file."""
    if root is not None:
        source = template.read_bytes()
        copy = root / f"{template.stem}-{hashlib.sha256(source).hexdigest()[:16]}.typ"
        if not copy.exists():
            root.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=root, prefix=".template-")
            with os.fdopen(handle, "wb") as file:
                file.write(source)
            os.replace(temporary, copy)
        template = copy
    return typst.Compiler(
        str(template), root=str(template.parent), font_paths=_fonts(), ignore_system_fonts=True
    )


@functools.cache
def _covered() -> frozenset[int]:
    """The characters every shipped font draws."""
    maps = [set(TTFont(font.path).getBestCmap()) for font in _fonts().fonts()]
    return frozenset(set.intersection(*maps))


def _printable_char(c: str, covered: frozenset[int]) -> str:
    if ord(c) in covered or c == "\n":
        return c
    if c.isspace():
        return " "
    if unicodedata.category(c).startswith("C"):  # controls, format marks: nothing to draw
        return ""
    return "".join(a for a in anyascii(c) if ord(a) in covered) or "?"


@functools.cache
def _uncovered() -> re.Pattern:
    """A character the fonts lack: one regular expression search per string, in C, instead
    of a Python test per character (a chunk of titres holds some 300,000 characters)."""
    points = sorted(_covered() | {ord("\n")})
    ranges, start, end = [], points[0], points[0]
    for point in points[1:]:
        if point != end + 1:
            ranges.append((start, end))
            start = point
        end = point
    ranges.append((start, end))
    covered = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )
    return re.compile(f"[^{covered}]")


def _printable_text(text: str) -> str:
    if not _uncovered().search(text):
        return text
    covered = _covered()
    return "".join(_printable_char(c, covered) for c in text)


def printable(value):
    """`value` with every character the fonts lack transliterated (中文 → ZhongWen): PDF/A
    forbids a missing glyph, and Typst refuses to write one rather than draw an empty box."""
    if isinstance(value, str):
        return _printable_text(value)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


#: A compiler keeps the inputs of its last compile, which a query reads: one compile at a time.
_LOCK = threading.Lock()


def compile_pdf(
    template: Path,
    data: dict,
    *,
    standard: str = PDFA_3B,
    query: str | None = None,
    root: Path | None = None,
) -> tuple[bytes, object]:
    """The PDF of `template` laid out with `data` (read in the template as
    `json(bytes(sys.inputs.data))`), and the value of the one `metadata` labelled `query` in
    that same layout (None without `query`); `root`: see `compiler`."""
    typst_compiler = compiler(template, root)
    with _LOCK:
        pdf = typst_compiler.compile(
            format="pdf",
            sys_inputs={"data": json.dumps(printable(data), ensure_ascii=False)},
            pdf_standards=[standard],
            pdf_tags=False,
        )
        found = json.loads(typst_compiler.query(query, field="value", one=True)) if query else None
    return pdf, found
