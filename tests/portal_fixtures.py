"""Builders for the partner portal's tests: a real PDF, a meeting request, a contact change, an
uploaded deliberation, each through the services the views call."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from governance.services.requests import meeting_request_create
from membership.services.deliberations import deliberation_submit
from partners.contact_changes import contact_change_propose
from tests.membership_amendments_fixtures import party, world_amendment

#: After the `copil` fixture's meeting (10 March 2026), before the suite's today.
DELIBERATED_ON = datetime.date(2026, 4, 2)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "deliberation.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, "application/pdf")


def request_of(partner, body, user=None, subject="Choix du prestataire de numérisation"):
    return meeting_request_create(partner=partner, body=body, subject=subject, user=user)


def change_of(partner, *, kind="dsi", effective_on=None, user=None, **fields):
    fields.setdefault("first_name", "Nadia")
    fields.setdefault("last_name", "Nouvelle")
    fields.setdefault("email", "nadia.nouvelle@example.org")
    return contact_change_propose(
        partner=partner,
        kind=kind,
        effective_on=effective_on or timezone.localdate(),
        user=user,
        **fields,
    )


def submit_for(file, partner, user=None, *, number="2026-042", day=DELIBERATED_ON):
    return deliberation_submit(
        party=party(file, partner),
        pdf=pdf_upload(),
        deliberation_number=number,
        approved_on=day,
        approving_body="Conseil municipal",
        user=user,
    )


def portal_args(world, users, copil, key: str) -> list[int]:
    if key == "portal_meeting_request_a":
        return [request_of(world.partner_a, copil.cotech, users["partner_a"]).pk]
    if key == "portal_contact_change_a":
        return [change_of(world.partner_a, user=users["partner_a"]).pk]
    file = world_amendment(copil)
    if key == "portal_amendment":
        return [file.pk]
    if key == "portal_deliberation_a":
        return [submit_for(file, world.partner_a, users["partner_a"]).pk]
    raise KeyError(key)
