"""Permission rows of the withdrawal pages, merged into tests/test_permissions.py's MATRIX."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from membership.services.withdrawal import notice_record

LOGIN = 302
MANAGERS_ONLY = (LOGIN, 200, 403, 403, 403, 200)
STAFF_ONLY = (LOGIN, 200, 200, 403, 403, 200)
OWN_TO_A = (LOGIN, 200, 200, 200, 404, 200)

WITHDRAWAL_MATRIX = {
    "membership:notice_list": ("get", None, STAFF_ONLY),
    "membership:notice_create": ("get", "partner_a", MANAGERS_ONLY),
    "membership:notice_detail": ("get", "withdrawal_notice_a", OWN_TO_A),
    "membership:notice_milestones": ("get", "withdrawal_notice_a", MANAGERS_ONLY),
    "membership:notice_scan": ("get", "withdrawal_notice_a", OWN_TO_A),
}


def withdrawal_args(world, key: str) -> list[int]:
    """Partner A's notice, received on 10 May 2026, with its scanned letter."""
    assert key == "withdrawal_notice_a"
    received = datetime.date(2026, 5, 10)
    scan = SimpleUploadedFile("lrar.pdf", b"%PDF-1.4 lettre recommandee", "application/pdf")
    notice = notice_record(partner=world.partner_a, received_on=received, scan=scan, today=received)
    return [notice.pk]
