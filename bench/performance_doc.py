"""Where the benchmarks keep their figures: docs/PERFORMANCE.md, each between its own markers."""

from pathlib import Path

PERFORMANCE = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"


def write_section(begin: str, end: str, result: str, *, path: Path = PERFORMANCE) -> bool:
    """Put `result` between the markers `begin` and `end` of the document; False if absent."""
    text = path.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        return False
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(f"{head}{begin}\n{result}\n{end}{tail}", encoding="utf-8")
    print(f"\nWritten to {path}")
    return True
