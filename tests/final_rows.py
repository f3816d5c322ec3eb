"""Every table whose rows become final, and a record with a final row and an open row of each.

Loaded as a pytest plugin from conftest. `FINAL_TABLES` is the list the ORM, admin and raw SQL
tests run over; `test_final_rows.py` checks it against the models that declare final rows
(`ligeris.lib.final.FinalRows`) and, on PostgreSQL, against the tables that refuse TRUNCATE.

`records` (fixture) builds, through the services:

- governance: the world's COPIL meeting voted and closed, a document on its decision item; a
  second COPIL meeting still open, with attendance, a decision voted and a document;
- billing: the issued batch of the budget run (its PDFs rendered, e-mailed, a payment), and a
  batch in preparation with one draft titre.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from billing import models as billing
from billing.services import titres
from governance import models as governance
from governance.services.meetings import (
    AttendanceEntry,
    attendance_record,
    document_add,
    item_add,
    meeting_schedule,
    meeting_update,
    minutes_close,
)
from governance.services.votes import BallotEntry, votes_record
from tests.governance_fixtures import MEETING_AT
from tests.order_fixtures import draft_order, issued_order
from tests.titre_fixtures import ISSUE_DATE, specific_run
from titres import models as owed
from titres.tasks import render_missing, send_missing


@dataclass(frozen=True)
class Table:
    """A table of final rows and how the tests try to change it.

    `update`: a column and a value for an UPDATE. `parent`: the foreign key along which a row
    may not move, the parent it may not be put under, and another parent to take a final row
    out to. `insert`: the columns changed when a row is copied into a new one that must be
    refused (None: a new row is legitimate, e.g. a meeting scheduled or a run computed; the
    numbering of a new issued row is checked by PostgreSQL only: `orm_insert`), copied from
    the table's open row if it has one (or `insert_from`). Values name rows of `Records`
    ("final:meeting").
    """

    model: type[models.Model]
    update: tuple[str, object]
    parent: tuple[str, str, str] | None = None
    insert: dict | None = None
    message: str = ""
    orm_insert: bool = True
    insert_from: str = "open"

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    def __str__(self) -> str:
        return self.name


CLOSED = "Le procès-verbal de cette séance est clos"
ISSUED = "Un titre émis ne se modifie ni ne se supprime"
FINAL = "Cet enregistrement est définitif"
SNAPSHOT = "Une répartition est un instantané"
ORDER = "Un bon de commande émis, refusé ou retiré ne se modifie ni ne se supprime"

FINAL_TABLES = [
    Table(governance.Meeting, ("place", "Ailleurs"), message=CLOSED),
    Table(
        governance.Attendance,
        ("status", "absent"),
        parent=("meeting", "final:meeting", "open:meeting"),
        insert={"meeting_id": "final:meeting"},
        message=CLOSED,
    ),
    Table(
        governance.AgendaItem,
        ("title", "Autre titre"),
        parent=("meeting", "final:meeting", "open:meeting"),
        insert={"meeting_id": "final:meeting", "position": 99},
        message=CLOSED,
    ),
    Table(
        governance.AgendaDocument,
        ("title", "Autre document"),
        parent=("item", "final:item", "open:item"),
        insert={"item_id": "final:item"},
        message=CLOSED,
    ),
    Table(
        governance.Decision,
        ("motion", "Réécrite après coup."),
        parent=("item", "final:information_item", "open:information_item"),
        insert={"item_id": "final:information_item"},
        message=CLOSED,
    ),
    Table(
        governance.Vote,
        ("choice", "against"),
        parent=("decision", "final:decision", "open:decision"),
        insert={"decision_id": "final:decision"},
        message=CLOSED,
    ),
    Table(
        owed.RevenueTitle,
        ("object", "Autre objet"),
        insert={"number": 5},  # a fifth issued titre, not numbered by the issuing
        message=ISSUED,
        orm_insert=False,
        insert_from="final",
    ),
    Table(
        owed.TitreLine,
        ("amount", Decimal("1.00")),
        parent=("titre", "final:titre", "open:titre"),
        insert={"titre_id": "final:titre", "position": 99},
        message=ISSUED,
    ),
    Table(
        owed.TitreDocument,
        ("sha256", "0" * 64),
        parent=("titre", "open:titre", "open:titre"),
        insert={"titre_id": "open:titre"},
        message=FINAL,
    ),
    Table(
        owed.Payment,
        ("amount", Decimal("1.00")),
        parent=("titre", "open:titre", "open:titre"),
        insert={"titre_id": "open:titre"},
        message=FINAL,
    ),
    Table(
        owed.TitreEmail,
        ("email", "autre@example.org"),
        parent=("titre", "open:titre", "open:titre"),
        insert={"titre_id": "open:titre", "sent_at": None},
        message=FINAL,
    ),
    Table(
        owed.TitreSequence,
        ("last_number", 0),  # back (a jump forward is refused at commit: test_final_rows_postgres)
        insert={"year": 2030, "last_number": 7},
        message="La numérotation n'avance que par l'émission",
    ),
    Table(
        owed.TitreBatch,
        ("number", 99),
        insert={"number": 99},
        message="Un bordereau émis ne se modifie ni ne se supprime",
        orm_insert=False,
        insert_from="final",
    ),
    Table(billing.AllocationRun, ("version", 99), message=SNAPSHOT),
    Table(
        billing.Share,
        ("amount", Decimal("1.00")),
        parent=("run", "final:run", "open:run"),
        insert={},  # a share added to the run a titre uses
        message=SNAPSHOT,
    ),
    Table(
        billing.PurchaseOrder,
        ("reason", "Autre motif"),
        insert={"number": 5},  # a fifth issued order, not numbered by the issuing
        message=ORDER,
        orm_insert=False,
        insert_from="final",
    ),
    Table(
        billing.PurchaseOrderLine,
        ("quantity", Decimal("9.00")),
        parent=("order", "final:order", "open:order"),
        insert={"order_id": "final:order", "position": 99},
        message=ORDER,
    ),
]

# Written once with their own row triggers and ORM guards (billing migrations 0005, 0006; tested
# with the refunds, reversals, carry-overs and PES export): here, their TRUNCATE refusal.
WRITTEN_ONCE = [owed.Refund, owed.PaymentReversal, owed.Carryover, owed.PesExport]

#: The tables with a row that is not final, to move under a final or refused parent (the
#: others hold final rows only).
OPEN_ROWS = (
    "meeting",
    "attendance",
    "agendaitem",
    "agendadocument",
    "decision",
    "vote",
    "revenuetitle",
    "titreline",
    "titreemail",
    "titrebatch",
    "allocationrun",
    "purchaseorder",
    "purchaseorderline",
)

#: Raw SQL messages where the database words it differently from the models.
DATABASE_MESSAGES = {
    "billing_revenuetitle:insert": "Un numéro se donne à l'émission seulement",
    "billing_titrebatch:insert": "Un numéro se donne à l'émission seulement",
    "billing_titredocument:insert": "Ce titre n'est pas émis",
    "billing_payment:insert": "Ce titre n'est pas émis",
    "billing_titreemail:insert": "Ce titre n'est pas émis",
    "billing_purchaseorder:insert": "Un numéro de bon de commande se donne à l'émission seulement",
}


@dataclass
class Records:
    """A final row of each table (`final`), a row that is not (`open`), by short name."""

    final: dict = field(default_factory=dict)
    open: dict = field(default_factory=dict)

    def source(self, table: Table):
        """The row a new row is copied from (see `Table.insert`)."""
        return self.row(table, table.insert_from) or self.row(table)

    def row(self, table: Table, which: str = "final"):
        rows = self.final if which == "final" else self.open
        return rows.get(table.model._meta.model_name)

    def resolve(self, value):
        """ "final:meeting" → the pk of the final meeting; other values as they are."""
        if isinstance(value, str) and value.split(":")[0] in ("final", "open"):
            which, key = value.split(":")
            return getattr(self, which)[key].pk
        return value

    def take(self) -> dict:
        """Every row of every final table, every column (what a refusal leaves untouched)."""
        return {
            table.name: [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in table.model._base_manager.order_by("pk").values_list()
            ]
            for table in FINAL_TABLES
        }


def _open_meeting(world, copil) -> governance.Meeting:
    """A second COPIL meeting, still open: attendance, a decision voted, a document."""
    meeting = meeting_schedule(
        body=copil.body, starts_at=MEETING_AT + datetime.timedelta(days=20), place="Blois"
    )
    meeting_update(meeting=meeting, secretary=copil.people[world.coordinator.pk])
    item_add(meeting=meeting, title="Informations", kind="information")
    item = item_add(
        meeting=meeting,
        title="Calendrier",
        kind="decision",
        motion="Le COPIL adopte le calendrier.",
        decision_kind="other",
    )
    attendance_record(
        meeting=meeting,
        entries=[
            AttendanceEntry(copil.seat(partner), "present")
            for partner in (world.coordinator, world.partner_a, world.partner_b)
        ],
    )
    votes_record(
        decision=item.decision,
        entries=[
            BallotEntry(world.tenant_coordinator, "for", copil.seat(world.coordinator)),
            BallotEntry(world.tenant_a, "for", copil.seat(world.partner_a)),
        ],
    )
    document_add(item=item, title="Calendrier", file=SimpleUploadedFile("c.pdf", b"%PDF-1.7"))
    return meeting


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7 minutes")


@pytest.fixture
def records(world, copil, issued_batch, billing_year) -> Records:
    # Governance: the COPIL meeting voted and closed, and another one open.
    document_add(item=copil.item, title="Feuille de route", file=_pdf("feuille.pdf"))
    votes_record(
        decision=copil.decision,
        entries=[
            BallotEntry(world.tenant_coordinator, "for", copil.seat(world.coordinator)),
            BallotEntry(world.tenant_a, "for", copil.seat(world.partner_a)),
        ],
    )
    closed = minutes_close(meeting=copil.meeting)
    opened = _open_meeting(world, copil)

    # Billing: the issued batch, its PDFs, e-mails, a payment; a draft titre.
    render_missing(issued_batch.pk)
    send_missing(issued_batch.pk)
    issued = owed.RevenueTitle.objects.filter(batch=issued_batch).order_by("number")
    titre = issued.get(tenant=world.tenant_a)
    payment = titres.payment_record(
        titre=titre, paid_on=datetime.date(2026, 2, 2), amount=Decimal("100"), reference="P1"
    )
    run = specific_run(billing_year, {world.tenant_a: "300.00"})
    draft_batch, _skipped = titres.drafts_from_run(run=run, issue_date=ISSUE_DATE)
    draft = draft_batch.titres.get()
    unsent = owed.TitreEmail.objects.create(titre=titre, email="copie@example.org")
    share = billing.Share.objects.filter(run=titre.run).first()
    # Purchase orders: one issued, one still a draft.
    order = issued_order(world, billing_year.fiscal_year, grid=False)
    draft_order_ = draft_order(world, billing_year.fiscal_year, grid=False)

    def first(manager):
        return manager.order_by("pk").first()

    return Records(
        final={
            "meeting": closed,
            "attendance": first(closed.attendances),
            "agendaitem": copil.item,
            "item": copil.item,
            "information_item": closed.items.exclude(pk=copil.item.pk).get(),
            "agendadocument": first(copil.item.documents),
            "decision": copil.decision,
            "vote": first(copil.decision.votes),
            "revenuetitle": titre,
            "titre": titre,
            "titreline": first(titre.lines),
            "titredocument": titre.document,
            "payment": payment,
            "titreemail": titre.emails.exclude(pk=unsent.pk).get(),
            "titresequence": owed.TitreSequence.objects.get(kind="titre"),
            "titrebatch": issued_batch,
            "allocationrun": titre.run,
            "run": titre.run,
            "share": share,
            "purchaseorder": order,
            "order": order,
            "purchaseorderline": first(order.lines),
        },
        open={
            "meeting": opened,
            "attendance": first(opened.attendances),
            "agendaitem": first(opened.items),
            "item": opened.items.get(kind="decision"),
            "information_item": opened.items.get(kind="information"),
            "agendadocument": first(governance.AgendaDocument.objects.filter(item__meeting=opened)),
            "decision": opened.items.get(kind="decision").decision,
            "vote": first(governance.Vote.objects.filter(decision__item__meeting=opened)),
            "revenuetitle": draft,
            "titre": draft,
            "titreline": first(draft.lines),
            "titreemail": unsent,
            "titrebatch": draft_batch,
            "allocationrun": run,
            "run": run,
            "purchaseorder": draft_order_,
            "order": draft_order_,
            "purchaseorderline": first(draft_order_.lines),
        },
    )
