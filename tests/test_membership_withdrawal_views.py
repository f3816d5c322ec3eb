"""The withdrawal pages through the test client: POST by every role, refusals on the form."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from membership.models import WithdrawalNotice
from membership.services.withdrawal import notice_record
from partners.models import PartnerStatus

MAY_10 = datetime.date(2026, 5, 10)


def _pdf(name="lrar.pdf", content=b"%PDF-1.4 lettre"):
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("secretary", 403), ("partner_a", 403), ("partner_b", 403)],
)
def test_only_managers_post_a_notice(role, expected, world, users, client_for):
    url = reverse("membership:notice_create", args=[world.partner_a.pk])
    response = client_for(role).post(url, {"received_on": "2026-05-10", "reference": "X"})
    assert response.status_code == expected
    assert not WithdrawalNotice.objects.exists()


@pytest.mark.parametrize("role", ["finance", "admin"])
def test_a_manager_records_a_notice_with_its_scan(role, world, users, client_for):
    client = client_for(role)
    url = reverse("membership:notice_create", args=[world.partner_a.pk])
    assert (
        "Enregistrer un préavis de retrait" in client.get(world.partner_a.get_absolute_url()).text
    )
    response = client.post(
        url, {"received_on": "2026-05-10", "reference": "1A 234", "scan": _pdf()}, follow=True
    )
    notice = WithdrawalNotice.objects.get()
    assert response.redirect_chain[-1][0] == notice.get_absolute_url()
    page = response.text
    assert "Le préavis de retrait a été enregistré." in page
    assert "10/08/2026" in page  # the effective date
    assert "Restitution des données demandée" in page
    world.partner_a.refresh_from_db()
    assert world.partner_a.status == PartnerStatus.WITHDRAWING
    scan = client.get(reverse("membership:notice_scan", args=[notice.pk]))
    assert b"".join(scan.streaming_content).startswith(b"%PDF-")
    listing = client.get(reverse("membership:notice_list")).text
    assert "Ville de Blois" in listing and "10/08/2026" in listing


def test_a_future_notice_on_the_form_is_refused_in_french(world, users, client_for):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    url = reverse("membership:notice_create", args=[world.partner_a.pk])
    response = client_for("finance").post(url, {"received_on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "est dans le futur : un préavis s&#x27;enregistre une fois reçu." in response.text
    assert not WithdrawalNotice.objects.exists()
    world.partner_a.refresh_from_db()
    assert world.partner_a.status == PartnerStatus.MEMBER


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("lettre.exe", b"MZ", "L’extension de fichier"),
        ("lettre.pdf", b"MZ\x90\x00 not a pdf", "Le fichier doit être un PDF, un PNG ou un JPEG."),
        ("lettre.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "Le fichier dépasse 5 Mo."),
    ],
)
def test_a_bad_scan_is_refused(name, content, message, world, users, client_for):
    url = reverse("membership:notice_create", args=[world.partner_a.pk])
    response = client_for("finance").post(
        url, {"received_on": "2026-05-10", "scan": _pdf(name, content)}
    )
    assert response.status_code == 200
    assert message.replace("’", "&#x27;") in response.text or message in response.text
    assert not WithdrawalNotice.objects.exists()


def test_milestones_posted_by_a_manager_and_refused_out_of_order(world, users, client_for):
    notice = notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    url = reverse("membership:notice_milestones", args=[notice.pk])
    assert client_for("partner_a").post(url, {}).status_code == 403
    client = client_for("finance")
    refused = client.post(
        url, {"data_requested_on": "2026-09-01", "data_delivered_on": "2026-08-01"}
    )
    assert "Les données sont remises après la demande de restitution." in refused.text
    notice.refresh_from_db()
    assert notice.data_requested_on is None
    response = client.post(
        url, {"data_requested_on": "2026-08-01", "data_delivered_on": "2026-09-01"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.data_delivered_on == datetime.date(2026, 9, 1)


def test_a_partner_user_sees_its_own_notice_only(world, users, client_for):
    notice = notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    url = notice.get_absolute_url()
    assert client_for("partner_b").get(url).status_code == 404
    page = client_for("partner_a").get(url).text
    assert "10/08/2026" in page
    assert reverse("membership:notice_milestones", args=[notice.pk]) not in page


def test_the_notice_page_reads_in_few_queries(
    world, users, client_for, django_assert_max_num_queries
):
    notice = notice_record(partner=world.partner_a, received_on=MAY_10, today=MAY_10)
    client = client_for("finance")
    client.get(notice.get_absolute_url())
    with django_assert_max_num_queries(12):
        assert client.get(notice.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("membership:notice_list")).status_code == 200
