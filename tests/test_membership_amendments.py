"""Amendments drawn up from COPIL decisions and approved by every party in the same terms (art. 10)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance.models import DecisionKind, VoteChoice
from governance.services.meetings import minutes_close
from membership.models import AmendmentFile, AmendmentParty
from membership.selectors.amendments import dashboard_rows, timeline_events
from membership.services.amendments import amendment_draw_up, amendment_mark_in_force
from partners.models import Amendment, AmendmentKind, Partner, PartnerStatus
from tests.governance_fixtures import build_committee
from tests.membership_amendments_fixtures import approve, party, scan_upload, world_amendment

pytestmark = pytest.mark.django_db
FOR = VoteChoice.FOR


def _admitted():
    """A COPIL of five partners (the fifth a candidate, recused) admits the candidate."""
    committee = build_committee(
        deliberative=4, advisory=1, decision_kind=DecisionKind.ADMISSION, concerned=4
    )
    committee.attend()
    committee.vote([(m, FOR) for m in committee.deliberative])
    minutes_close(meeting=committee.meeting)
    return committee


def _approvals_snapshot():
    return sorted(
        AmendmentParty.objects.values_list("pk", "approved_on", "approving_body", "scan")
    ), sorted(Amendment.objects.values_list("pk", "effective_on", "signed_on"))


def test_an_adopted_admission_draws_its_amendment_up_on_closing():
    committee = _admitted()
    candidate = committee.members[4].partner
    file = AmendmentFile.objects.get(decision=committee.decision)
    amendment = file.amendment

    assert (amendment.number, amendment.kind, amendment.partner) == (
        1,
        AmendmentKind.ADMISSION,
        candidate,
    )
    assert amendment.title == f"Adhésion de {candidate}"
    assert amendment.summary == committee.decision.motion
    assert amendment.effective_on is None
    assert file.drawn_up_on == datetime.date(2026, 3, 10)
    # Every member at the time of the decision: the coordinator, the five committee partners
    # (the candidate, now a member, included) and the consortium's partner with no seat.
    members = set(
        Partner.objects.filter(consortium=committee.consortium, status=PartnerStatus.MEMBER)
    )
    assert len(members) == 7
    assert {p.partner for p in file.parties.all()} == members
    assert candidate in members
    assert list(file.parties.values_list("position", flat=True)) == list(range(1, 8))
    # Drawing it up again gives the same file, not a second amendment.
    assert amendment_draw_up(decision=committee.decision) == file
    assert Amendment.objects.count() == 1


def test_the_next_amendment_takes_the_next_number():
    committee = _admitted()
    second = build_committee(
        consortium=committee.consortium,
        deliberative=3,
        decision_kind=DecisionKind.EXCLUSION,
        concerned=0,
        name="Comité de pilotage (séance d'exclusion)",
    )
    excluded = second.members[0].partner
    second.attend()
    second.vote([(m, FOR) for m in second.members[1:]])
    minutes_close(meeting=second.meeting)

    file = AmendmentFile.objects.get(decision=second.decision)
    assert (file.amendment.number, file.amendment.kind) == (2, AmendmentKind.EXCLUSION)
    # The excluded partner is no party to the amendment that excludes it.
    assert excluded not in {p.partner for p in file.parties.all()}


def test_an_undecided_decision_draws_no_amendment_up():
    committee = build_committee(deliberative=3, decision_kind=DecisionKind.OTHER)
    with pytest.raises(ValidationError) as error:
        amendment_draw_up(decision=committee.decision)
    assert "décision adoptée dont le procès-verbal est clos" in str(error.value)
    assert not Amendment.objects.exists()


def test_in_force_refused_with_one_approval_missing_and_nothing_saved(world, copil):
    file = world_amendment(copil)
    approve(file, world.partner_a)
    approve(file, world.coordinator)
    before = _approvals_snapshot()

    with pytest.raises(ValidationError) as error:
        amendment_mark_in_force(file=file)

    message = str(error.value)
    assert "article 10" in message and "mêmes termes par tous les partenaires" in message
    assert "Agglopolys" in message and "Blois" not in message
    assert _approvals_snapshot() == before
    file.amendment.refresh_from_db()
    assert file.amendment.effective_on is None


def test_in_force_on_the_last_approval_dated_by_the_last_deliberation(world, copil):
    file = world_amendment(copil)
    approve(file, world.partner_b, day=datetime.date(2026, 5, 20))
    approve(file, world.partner_a, day=datetime.date(2026, 4, 2))
    file.amendment.refresh_from_db()
    assert file.amendment.effective_on is None

    approve(file, world.coordinator, day=datetime.date(2026, 4, 28))

    file.amendment.refresh_from_db()
    # The latest deliberation (B's, 20 May), not the last one recorded.
    assert file.amendment.effective_on == datetime.date(2026, 5, 20)
    assert file.amendment.signed_on == datetime.date(2026, 5, 20)
    # In force, its approvals change no more.
    with pytest.raises(ValidationError, match="en vigueur"):
        approve(file, world.partner_a, day=datetime.date(2026, 6, 1))


def test_the_last_approval_may_give_a_later_effective_date_never_an_earlier_one(world, copil):
    file = world_amendment(copil)
    approve(file, world.partner_a)
    approve(file, world.partner_b)
    with pytest.raises(ValidationError, match="avant la dernière approbation"):
        approve(file, world.coordinator, effective_on=datetime.date(2026, 4, 1))
    assert not party(file, world.coordinator).has_approved  # nothing saved

    approve(file, world.coordinator, effective_on=datetime.date(2026, 7, 1))
    file.amendment.refresh_from_db()
    assert file.amendment.effective_on == datetime.date(2026, 7, 1)


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2099, 1, 1), "jour à venir"),
        (datetime.date(2026, 3, 1), "ne peut précéder la décision du comité (10/03/2026)"),
    ],
)
def test_an_approval_dated_in_the_future_or_before_the_decision_is_refused(
    world, copil, day, message
):
    file = world_amendment(copil)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        approve(file, world.partner_a, day=day)
    assert not party(file, world.partner_a).has_approved


def test_the_page_lists_who_has_not_yet_approved(world, copil, client_for):
    file = world_amendment(copil)
    approve(file, world.partner_a)

    page = client_for("finance").get(reverse("membership:amendment_detail", args=[file.pk]))

    html = page.content.decode()
    pending = html.split('id="amendment-pending"')[1].split("</section>")[0]
    assert "N'ont pas encore approuvé (2)" in pending
    assert "Agglopolys" in pending and "Département d&#x27;Indre-et-Loire" in pending
    assert "Ville de Blois" not in pending
    assert "non : approbations en attente" in html
    b = party(file, world.partner_b)
    assert reverse("membership:amendment_approval", args=[b.pk]) in html


def test_the_list_counts_approvals(world, copil, client_for, django_assert_max_num_queries):
    file = world_amendment(copil)
    approve(file, world.partner_a)
    client = client_for("partner_b")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("membership:amendment_list"))
    html = page.content.decode()
    assert file.amendment.title in html and "1 / 3" in html


def test_a_manager_records_an_approval_through_the_form_with_its_scan(world, copil, client_for):
    file = world_amendment(copil)
    b = party(file, world.partner_b)
    url = reverse("membership:amendment_approval", args=[b.pk])

    response = client_for("finance").post(
        url,
        {
            "approving_body": "Conseil communautaire",
            "approved_on": "2026-04-09",
            "deliberation_number": "2026-077",
            "scan": scan_upload(),
        },
    )

    assert response.status_code == 302
    b.refresh_from_db()
    assert (b.approving_body, b.approved_on, b.deliberation_number) == (
        "Conseil communautaire",
        datetime.date(2026, 4, 9),
        "2026-077",
    )
    assert b.scan.read() == b"%PDF-1.4\n% deliberation\n"
    assert b.recorded_by.email == "finance@example.org"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("deliberation.exe", b"MZ", "Format refusé"),
        ("deliberation.pdf", b"<html>", "pas un PDF valide"),
        ("deliberation.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "dépasse 10 Mo"),
    ],
)
def test_a_bad_scan_is_refused_and_nothing_saved(world, copil, client_for, name, content, message):
    file = world_amendment(copil)
    b = party(file, world.partner_b)
    response = client_for("admin").post(
        reverse("membership:amendment_approval", args=[b.pk]),
        {
            "approving_body": "Conseil communautaire",
            "approved_on": "2026-04-09",
            "scan": scan_upload(name, content),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    b.refresh_from_db()
    assert not b.has_approved and not b.scan


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 302), ("secretary", 403), ("partner_a", 403), ("partner_b", 403)],
)
def test_only_managers_post_an_approval(world, copil, client_for, role, status):
    file = world_amendment(copil)
    b = party(file, world.partner_b)
    response = client_for(role).post(
        reverse("membership:amendment_approval", args=[b.pk]),
        {"approving_body": "Conseil", "approved_on": "2026-04-09"},
    )
    assert response.status_code == status
    b.refresh_from_db()
    assert not b.has_approved


def test_a_partner_user_reads_the_amendment_but_only_its_own_scan(world, copil, client_for):
    file = world_amendment(copil)
    a = approve(file, world.partner_a, scan=scan_upload())
    b = approve(file, world.partner_b, scan=scan_upload("b.pdf"))
    detail = reverse("membership:amendment_detail", args=[file.pk])
    scan_a = reverse("membership:amendment_scan", args=[a.pk])
    scan_b = reverse("membership:amendment_scan", args=[b.pk])

    client = client_for("partner_a")
    html = client.get(detail).content.decode()
    assert scan_a in html and scan_b not in html
    assert "Enregistrer l&#x27;approbation" not in html
    assert client.get(scan_a).status_code == 200
    assert client.get(scan_b).status_code == 404


def test_a_partner_of_another_consortium_sees_none_of_it(world, copil, client):
    from tests.factories import UserFactory
    from tests.governance_fixtures import new_consortium

    file = world_amendment(copil)
    stranger = Partner.objects.filter(consortium=new_consortium()).get()
    client.force_login(UserFactory(email="x@example.org", role="partner", partner=stranger))
    assert client.get(reverse("membership:amendment_detail", args=[file.pk])).status_code == 404
    assert client.get(reverse("membership:amendment_pdf", args=[file.pk])).status_code == 404
    assert file.amendment.title not in client.get(reverse("membership:amendment_list")).text


def test_timeline_and_dashboard_rows(world, copil):
    file = world_amendment(copil)
    approve(file, world.partner_a, day=datetime.date(2026, 4, 2))

    titles = [(e.day, e.title) for e in timeline_events(world.partner_a)]
    label = f"Avenant n° 1 ({file.amendment.title})"
    assert titles == [
        (datetime.date(2026, 3, 10), f"{label} établi"),
        (datetime.date(2026, 4, 2), f"{label} approuvé par Conseil municipal"),
    ]
    (row,) = dashboard_rows(world.consortium)
    assert row["title"] == f"{label} : 1 approbation sur 3 parties"
    assert row["url"] == file.get_absolute_url() and row["partner"] == world.coordinator

    approve(file, world.partner_b)
    approve(file, world.coordinator)
    assert dashboard_rows(world.consortium) == []
    assert timeline_events(world.partner_a)[-1].title == f"{label} en vigueur"
