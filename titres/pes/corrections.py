"""Which line of the original titre each line of a reduction or cancellation reduces.

Hélios wants every line of a titre correctif to name one line of the titre it reduces
(RattachPiece/IdLigneOrig) and never more than what remains of it. A correction line that names
its original line keeps it; one that does not (a reduction of an amount, a cancellation of what
remains) is spread over the original lines: first the line of the same label, then the line of
the same pool, then the others in order, each up to what the earlier corrections left of it. Earlier corrections are taken in
their numbering order, so a later one never changes how an earlier one was read: the same flux
comes out every time.
"""

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OriginalLine:
    key: int  # the line's id
    position: int
    label: str
    amount: Decimal


@dataclass(frozen=True)
class CorrectionLine:
    key: int
    label: str
    amount: Decimal
    names: int | None = None  # the id of the original line it says it reduces, if it says so


class Overreduced(ValueError):
    """A correction takes more than what remains of the original line(s)."""

    def __init__(self, line: CorrectionLine, left: Decimal):
        super().__init__(f"line {line.key}: {left} beyond what remains")
        self.line = line
        self.left = left


def _pool(label: str) -> str:
    return label.split(" — ")[0].strip()  # "Hébergement — blois": the pool, then the recipient


def _likeness(original: OriginalLine, line: CorrectionLine) -> tuple[int, int]:
    """Same label first, then the same pool (a member's share says no tenant), then in order."""
    if original.label == line.label:
        return (0, original.position)
    if _pool(original.label) == _pool(line.label):
        return (1, original.position)
    return (2, original.position)


def allocate(
    original: list[OriginalLine], corrections: list[list[CorrectionLine]]
) -> dict[int, list[tuple[int, Decimal]]]:
    """For each correction line (by key): the (original position, amount) pairs it reduces.

    `corrections` are the issued corrections of the original, in their numbering order.
    """
    remaining = {line.key: line.amount for line in original}
    by_key = {line.key: line for line in original}
    result: dict[int, list[tuple[int, Decimal]]] = {}
    for correction in corrections:
        for line in correction:
            if line.names is not None and line.names in by_key:
                candidates = [by_key[line.names]]
            else:
                candidates = sorted(original, key=lambda o: _likeness(o, line))
            left, parts = line.amount, []
            for candidate in candidates:
                take = min(left, remaining[candidate.key])
                if take > ZERO:
                    parts.append((candidate.position, take))
                    remaining[candidate.key] -= take
                    left -= take
                if left == ZERO:
                    break
            if left > ZERO:
                raise Overreduced(line, left)
            result[line.key] = parts
    return result
