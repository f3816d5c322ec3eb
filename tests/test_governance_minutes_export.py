"""The minutes of a large meeting laid out by a background task (issue 17): asked for, « en
préparation », then downloaded from what the task stored (its SHA-256), the same bytes for
every reader of a closed meeting; a draft is that moment's; a small meeting's stays inline."""

import hashlib
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import MinutesExport
from governance.services import meetings as meeting_services
from governance.services.minutes_exports import current_export, is_large
from governance.tasks import build_minutes_pdf
from tests.governance_fixtures import vote_all
from tests.scale_fixtures import bulk_committee
from tests.test_permissions import LOGIN, ROLES, _governance_args


def _close(copil):
    vote_all(copil.meeting, copil.decision)
    meeting = meeting_services.meeting_update(
        meeting=copil.meeting, secretary=copil.people[copil.body.consortium.coordinator_id]
    )
    return meeting_services.minutes_close(meeting=meeting)


def test_a_small_meeting_keeps_its_minutes_in_the_request(copil, client_for):
    assert not is_large(copil.meeting)
    response = client_for("secretary").get(
        reverse("governance:minutes_pdf", args=[copil.meeting.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not MinutesExport.objects.exists()


def test_a_closed_large_meeting_is_laid_out_once_and_given_to_every_reader(
    copil, client_for, settings, django_capture_on_commit_callbacks
):
    settings.LIGERIS_MINUTES_LARGE_SEATS = 2  # the COPIL has three seats
    meeting = _close(copil)
    pdf_url = reverse("governance:minutes_pdf", args=[meeting.pk])
    page_url = reverse("governance:minutes_export", args=[meeting.pk])
    progress_url = reverse("governance:minutes_export_progress", args=[meeting.pk])
    partner = client_for("partner_a")
    response = partner.get(pdf_url)
    assert response.status_code == 302 and response["Location"] == page_url
    page = partner.get(page_url).content.decode()
    assert "Préparer le procès-verbal" in page and 'id="minutes-export"' not in page
    assert json.loads(partner.get(progress_url).content) == {
        "done": False,
        "error": "",
        "asked": False,
    }
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert partner.post(page_url).status_code == 302
    export = MinutesExport.objects.get()
    assert export.closed_at == meeting.minutes_closed_at and export.done_at is None
    page = partner.get(page_url).content.decode()
    assert "En préparation" in page and "js/minutes-export.js" in page and "<script>" not in page
    assert partner.get(pdf_url).status_code == 302  # not stored yet
    with django_capture_on_commit_callbacks(execute=False) as again:
        client_for("secretary").post(page_url)  # asked again: the same one, not queued twice
    assert MinutesExport.objects.count() == 1 and len(queued) == 1 and not again

    assert build_minutes_pdf(export.pk) is True
    assert build_minutes_pdf(export.pk) is False  # run again: stored once
    export.refresh_from_db()
    data = bytes(export.pdf)
    assert data.startswith(b"%PDF") and export.size == len(data)
    assert export.sha256 == hashlib.sha256(data).hexdigest()
    assert json.loads(partner.get(progress_url).content)["done"] is True
    for role in ("partner_a", "secretary", "finance"):
        response = client_for(role).get(pdf_url)
        assert response.status_code == 200 and response.content == data, role
        assert "no-store" in response["Cache-Control"]


def test_a_draft_is_that_moments_and_asked_again_is_built_anew(
    copil, client_for, settings, django_capture_on_commit_callbacks
):
    settings.LIGERIS_MINUTES_LARGE_SEATS = 2
    meeting = copil.meeting
    secretary = client_for("secretary")
    page_url = reverse("governance:minutes_export", args=[meeting.pk])
    pdf_url = reverse("governance:minutes_pdf", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):  # the task runs (eager in tests)
        secretary.post(page_url)
    draft = current_export(meeting)
    assert draft.is_draft and draft.done_at is not None
    page = secretary.get(page_url).content.decode()
    link = f"{pdf_url}?brouillon={draft.pk}"
    assert link in page and "Projet de procès-verbal" in page and "Préparer à nouveau" in page
    assert secretary.get(pdf_url).status_code == 302  # a draft only through its own link
    assert secretary.get(link).content.startswith(b"%PDF")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        secretary.post(page_url)
    assert len(queued) == 1 and current_export(meeting).pk != draft.pk
    assert secretary.get(link).status_code == 302  # the older draft is no longer the current
    assert client_for("partner_a").get(page_url).status_code == 404  # not published yet


def test_a_failed_preparation_is_offered_again(copil, client_for, settings, monkeypatch):
    settings.LIGERIS_MINUTES_LARGE_SEATS = 2
    meeting = _close(copil)
    export = MinutesExport.objects.create(meeting=meeting, closed_at=meeting.minutes_closed_at)

    def broken(_meeting):
        raise ValueError("mise en page impossible")

    monkeypatch.setattr("governance.minutes.minutes_pdf", broken)
    with pytest.raises(ValueError):
        build_minutes_pdf(export.pk)
    export.refresh_from_db()
    assert export.error == "mise en page impossible" and export.done_at is None
    page = client_for("secretary").get(reverse("governance:minutes_export", args=[meeting.pk]))
    assert (
        "a échoué" in page.content.decode() and "Préparer le procès-verbal" in page.content.decode()
    )


POSTED = (LOGIN, 302, 302, 302, 404, 302)  # every reader of the published minutes may ask


@pytest.mark.parametrize(("role", "expected"), zip(ROLES, POSTED, strict=True))
def test_asking_for_the_minutes_by_role(role, expected, world, copil, client_for, settings):
    settings.LIGERIS_MINUTES_LARGE_SEATS = 0
    (pk,) = _governance_args(world, copil, "closed_cotech_meeting")
    response = client_for(role).post(reverse("governance:minutes_export", args=[pk]))
    assert response.status_code == expected
    assert MinutesExport.objects.filter(meeting_id=pk).exists() == (
        expected == 302 and role != "anonymous"
    )


def _queries(client, meeting) -> list[int]:
    counts = []
    for name in ("minutes_pdf", "minutes_export", "minutes_export_progress"):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse(f"governance:{name}", args=[meeting.pk]))
        counts.append(len(queries))
    return counts


def test_the_preparation_pages_take_the_same_queries_at_ten_times_the_seats(
    client_for, settings, db
):
    settings.LIGERIS_MINUTES_LARGE_SEATS = 2
    client = client_for("secretary")
    small, large = bulk_committee(6).meeting, bulk_committee(60).meeting
    for meeting in (small, large):
        MinutesExport.objects.create(meeting=meeting)
    assert _queries(client, small) == _queries(client, large)
