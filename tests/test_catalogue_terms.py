"""The other seeds' terms on the convention: one year tacitly renewed and tied to the GIP
(002), two amicable letters before court (002), amendments approved within six months of the
coordinator's deliberation and catalogue changes without amendment (004)."""

import datetime

import pytest
from django.urls import reverse

from partners.models import Convention
from tests.catalogue_fixtures import build_catalogue

D = datetime.date


def _convention(world, **terms) -> Convention:
    convention = world.consortium.conventions.get()
    for name, value in terms.items():
        setattr(convention, name, value)
    convention.full_clean()
    convention.save()
    return convention


def test_seed_002_one_year_tacitly_renewed_tied_to_the_gip_two_letters(world):
    convention = _convention(
        world,
        starts_on=D(2025, 1, 1),
        ends_on=None,
        renewal_years=1,
        membership_of="GIP RECIA",
        amicable_letters=2,
    )
    assert convention.current_end(D(2025, 6, 1)) == D(2025, 12, 31)
    assert convention.current_end(D(2026, 6, 1)) == D(2026, 12, 31)
    assert [convention.court_referral_allowed(n) for n in (0, 1, 2)] == [False, False, True]


@pytest.mark.parametrize(
    ("deliberated", "deadline"),
    [
        (D(2026, 1, 15), D(2026, 7, 15)),
        (D(2025, 8, 31), D(2026, 2, 28)),
        (D(2026, 12, 1), D(2027, 6, 1)),
    ],
)
def test_seed_004_amendments_are_approved_within_six_months(world, deliberated, deadline):
    convention = _convention(world, amendment_approval_months=6)
    assert convention.amendment_deadline(deliberated) == deadline


def test_no_delay_no_deadline_and_no_letters_no_wait(world):
    convention = world.consortium.conventions.get()
    assert convention.amendment_deadline(D(2026, 1, 15)) is None
    assert convention.court_referral_allowed(0)


def test_the_catalogue_page_says_whether_a_change_needs_an_amendment(world, client_for):
    build_catalogue(world)
    client = client_for("finance")
    assert "demandent un avenant" in client.get(reverse("catalogue:index")).content.decode()
    _convention(world, catalogue_without_amendment=True)
    assert "ne demandent pas d'avenant" in client.get(reverse("catalogue:index")).content.decode()


def test_the_convention_form_records_the_terms(world, client_for):
    convention = world.consortium.conventions.get()
    response = client_for("finance").post(
        reverse("partners:convention_update", args=[convention.pk]),
        {
            "title": convention.title,
            "signed_on": "2023-12-15",
            "starts_on": "2024-01-01",
            "renewal_years": "1",
            "notice_months": "3",
            "membership_of": "GIP RECIA",
            "amicable_letters": "2",
            "amendment_approval_months": "6",
            "catalogue_without_amendment": "on",
        },
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    assert (convention.membership_of, convention.amicable_letters) == ("GIP RECIA", 2)
    assert convention.amendment_approval_months == 6 and convention.catalogue_without_amendment
