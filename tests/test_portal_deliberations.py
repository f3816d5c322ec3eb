"""Deliberations from the portal: each party uploads its approving deliberation (a real PDF),
the coordinator checks and records it through the same approval service staff use; the
amendment comes into force when the last party's is recorded."""

import io

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from membership.models import DeliberationSubmission, SubmissionState
from membership.services.deliberations import (
    DELIBERATION_MAX_BYTES,
    deliberation_record,
    deliberation_reject,
)
from tests.membership_amendments_fixtures import approve, party, world_amendment
from tests.portal_fixtures import DELIBERATED_ON, pdf_bytes, pdf_upload, submit_for


@pytest.fixture
def file(copil):
    return world_amendment(copil)


def _upload(client, file, **overrides):
    data = {
        "approving_body": "Conseil municipal",
        "deliberation_number": "2026-042",
        "approved_on": DELIBERATED_ON.isoformat(),
        "pdf": pdf_upload(),
        **overrides,
    }
    return client.post(reverse("membership:deliberation_submit", args=[file.pk]), data)


def test_the_last_recorded_deliberation_puts_the_amendment_in_force(world, users, file, client_for):
    approve(file, world.coordinator)
    detail = reverse("membership:amendment_detail", args=[file.pk])
    client = client_for("partner_a")
    assert "Déposer la délibération" in client.get(detail).text
    assert _upload(client, file).status_code == 302
    submission = DeliberationSubmission.objects.get()
    assert submission.party == party(file, world.partner_a)
    assert submission.state == SubmissionState.SUBMITTED
    assert "Déposer la délibération" not in client.get(detail).text  # waiting to be checked
    assert LogEntry.objects.get_for_object(submission).count() == 1

    finance = client_for("finance")
    record = reverse("membership:deliberation_record", args=[submission.pk])
    assert "2026-042" in finance.get(record).text
    assert finance.post(record, {}).status_code == 302
    a = party(file, world.partner_a)
    assert (a.approved_on, a.deliberation_number, a.recorded_by) == (
        DELIBERATED_ON,
        "2026-042",
        users["finance"],
    )
    assert len(PdfReader(a.scan.open("rb")).pages) == 1  # the uploaded PDF is the party's scan
    file.amendment.refresh_from_db()
    assert file.amendment.effective_on is None  # B has not approved yet

    b_submission = submit_for(file, world.partner_b, users["partner_b"], number="B-7")
    deliberation_record(submission=b_submission, user=users["admin"])
    file.amendment.refresh_from_db()
    assert file.amendment.effective_on == DELIBERATED_ON
    submission.refresh_from_db()
    assert (
        submission.state == SubmissionState.RECORDED and submission.decided_by == users["finance"]
    )


def test_a_rejected_deliberation_may_be_uploaded_again(world, users, file):
    submission = submit_for(file, world.partner_a)
    with pytest.raises(ValidationError):
        submit_for(file, world.partner_a)  # one waiting at a time
    with pytest.raises(ValidationError):
        deliberation_reject(submission=submission, reason=" ")
    deliberation_reject(submission=submission, reason="Ce n'est pas la bonne délibération.")
    assert not party(file, world.partner_a).has_approved
    again = submit_for(file, world.partner_a, number="2026-043")
    assert again.state == SubmissionState.SUBMITTED
    with pytest.raises(ValidationError):
        deliberation_record(submission=submission)  # a rejected one is done with


def _encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not a pdf at all", "n'est pas un PDF"),
        (b"%PDF-1.7\n" + b"\x00garbage" * 200, "illisible"),
        (pdf_bytes()[:200], "illisible"),  # truncated
        (_encrypted(), "mot de passe"),
        (b"%PDF-1.4\n" + b"0" * (DELIBERATION_MAX_BYTES + 1), "10 Mo"),
    ],
    ids=["zip", "garbage", "truncated", "encrypted", "too-big"],
)
def test_anything_but_a_readable_pdf_is_refused_in_french(
    world, file, client_for, content, message
):
    response = _upload(client_for("partner_a"), file, pdf=pdf_upload("d.pdf", content))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["pdf"])
    assert not DeliberationSubmission.objects.exists()


def test_a_deliberation_before_the_decision_or_in_the_future_is_refused(world, file, client_for):
    client = client_for("partner_a")
    assert _upload(client, file, approved_on="2026-01-05").status_code == 200
    assert _upload(client, file, approved_on="2099-01-05").status_code == 200
    assert not DeliberationSubmission.objects.exists()


def test_a_partner_reaches_only_its_own_deliberation(world, users, file, client_for):
    submission = submit_for(file, world.partner_a)
    pdf = reverse("membership:deliberation_pdf", args=[submission.pk])
    assert client_for("partner_b").get(pdf).status_code == 404
    assert client_for("partner_a").get(pdf).status_code == 200
    # Partner B cannot record A's deliberation, nor its own.
    record = reverse("membership:deliberation_record", args=[submission.pk])
    assert client_for("partner_b").post(record).status_code == 403
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED
