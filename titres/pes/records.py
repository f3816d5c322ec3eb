"""What a PES flux says, as plain records: read from the database by `selectors`, written as XML
by `builder`, read back by `parser`. Amounts are Decimals to the cent, all positive."""

import datetime
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Header:
    file_name: str
    produced_on: datetime.date
    poste: str
    poste_label: str
    siret: str
    collectivity_code: str
    budget_code: str
    budget_label: str
    product_code: str
    function: str


@dataclass(frozen=True)
class Debtor:
    siret: str
    category: str  # CatTiers
    legal_nature: str  # NatJur
    name: list[str]  # Nom, then ComplNom
    address: list[str]  # Adr1 (or ""), Adr2, Adr3 (or "")
    postal_code: str
    city: str


@dataclass(frozen=True)
class Attachment:
    """The line of an earlier titre a reduction or cancellation line reduces (RattachPiece)."""

    exercise: int
    number: int
    line: int


@dataclass(frozen=True)
class Line:
    number: int
    label: str
    nature: str
    amount: Decimal
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Document:
    unique_id: str
    file_name: str
    description: str
    pdf: bytes
    sha256: str


@dataclass(frozen=True)
class Piece:
    reference: str
    exercise: int
    number: int
    kind: str
    typ_pce: str
    nat_pce: str
    object: str
    debtor: Debtor
    lines: list[Line]
    document: Document

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class Bordereau:
    typ_bord: str
    exercise: int
    number: int
    issued_on: datetime.date
    pieces: list[Piece]

    @property
    def total(self) -> Decimal:
        return sum((piece.total for piece in self.pieces), Decimal("0.00"))


@dataclass(frozen=True)
class Flux:
    header: Header
    bordereaux: list[Bordereau]

    @property
    def pieces(self) -> list[Piece]:
        return [piece for bordereau in self.bordereaux for piece in bordereau.pieces]
