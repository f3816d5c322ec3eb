"""An amendment of the `world` consortium, drawn up from the `copil` fixture's decision.

Parties: the coordinator, partner A and partner B (every member). `scan_a` records partner A's
approval with a scan of its deliberation; partner B and the coordinator have not approved.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from governance.services.meetings import minutes_close
from membership.models import AmendmentFile, AmendmentParty
from membership.services.amendments import amendment_draw_up, approval_record
from tests.governance_fixtures import vote_all

#: The smallest thing that passes for a PDF scan.
PDF_BYTES = b"%PDF-1.4\n% deliberation\n"


def world_amendment(copil) -> AmendmentFile:
    vote_all(copil.meeting, copil.decision)
    minutes_close(meeting=copil.meeting)
    return amendment_draw_up(decision=copil.decision)


def party(file: AmendmentFile, partner) -> AmendmentParty:
    return file.parties.get(partner=partner)


def approve(file, partner, day=datetime.date(2026, 4, 2), scan=None, **extra) -> AmendmentParty:
    return approval_record(
        party=party(file, partner),
        approving_body="Conseil municipal",
        approved_on=day,
        deliberation_number=f"D-{partner.pk}",
        scan=scan,
        **extra,
    )


def scan_upload(name="deliberation.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, "application/pdf")


def amendment_args(world, copil, key) -> list:
    file = world_amendment(copil)
    if key == "amendment":
        return [file.pk]
    if key == "amendment_party_b":
        return [party(file, world.partner_b).pk]
    if key == "amendment_scan_a":
        return [approve(file, world.partner_a, scan=scan_upload()).pk]
    raise KeyError(key)
