"""Text as the PES takes it: Latin-1 only, one line, within the field's length.

The flux is written in ISO-8859-1 (reference §13). A character outside Latin-1 (Œ, €, ’, 中…) is
transliterated (anyascii: OE, EUR, ', Zhong) rather than left to a character reference, which
Hélios is not known to read. Names and addresses follow the postal norm: upper case, no accent.
The markup characters (<, &, quotes) stay: lxml escapes them.
"""

import re
import unicodedata

from anyascii import anyascii

_SPACES = re.compile(r"\s+")
#: Values the PES base types refuse (V_BaseString, V_BaseAlphanum): ".", " ", "nc", only zeros.
_REFUSED = re.compile(r"^(\.| |nc|0*)$")


def _is_latin1_printable(char: str) -> bool:
    code = ord(char)
    return 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF


def latin1(text: str) -> str:
    """The text with every character outside printable Latin-1 transliterated to ASCII."""
    out = []
    for char in unicodedata.normalize("NFC", text or ""):
        if _is_latin1_printable(char):
            out.append(char)
        elif char.isspace() or unicodedata.category(char).startswith("C"):
            out.append(" ")  # line breaks, tabs and control characters
        else:
            out.append(anyascii(char))
    return _SPACES.sub(" ", "".join(out).replace("\u00a0", " ")).strip()


def shorten(text: str, length: int) -> str:
    """At most `length` characters, cut at a word boundary when one is near."""
    if len(text) <= length:
        return text
    cut = text[:length]
    space = cut.rfind(" ")
    return (cut[:space] if space > length // 2 else cut).rstrip(" ,;-")


def free_text(text: str, length: int) -> str:
    """A free-text value (objects, labels): Latin-1, one line, `length` at most; "" if unusable."""
    value = shorten(latin1(text), length)
    return "" if _REFUSED.match(value) else value


def postal(text: str) -> str:
    """A name or address line in the postal norm: upper case ASCII, accents removed."""
    decomposed = unicodedata.normalize("NFKD", latin1(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", anyascii(plain).upper()).strip()


def postal_lines(text: str, length: int, count: int) -> list[str]:
    """The postal text wrapped on words into at most `count` lines of `length`."""
    lines: list[str] = []
    rest = postal(text)
    while rest and len(lines) < count:
        line = shorten(rest, length)
        lines.append(line)
        rest = rest[len(line) :].lstrip(" ,;-")
    return [line for line in lines if not _REFUSED.match(line)]
