"""The impact simulation: the real allocation engine, twice, figures to the cent."""

import datetime
from decimal import Decimal

import pytest

from billing.models import RunKind
from billing.services import runs
from membership.simulation import candidacy_impact, simulation_year
from tests.admission_fixtures import build_admission


def _figures(impact):
    return {
        r.partner.short_name: (r.without, r.with_candidate, r.difference, r.percent)
        for r in impact.rows
    }


def test_a_candidate_opening_on_1_january_for_the_whole_year(world):
    year = build_admission(world, opening=datetime.date(2026, 1, 1))
    impact = candidacy_impact(candidacy=year.candidacy, fiscal_year=year.fiscal_year)
    # Without: heb 12 000 / 4 tenants = 3 000 each; vol 6 000 by 1000/2000/1000/2000 GB;
    # install 900 / 3 members = 300.
    #   A (blois) 3 000 + 1 000 + 300 = 4 300; B (agglo, blaisois) 6 000 + 3 000 + 300 = 9 300;
    #   coordinator (cd37) 3 000 + 2 000 + 300 = 5 300. Total 18 900.
    # With chinon (12 months, 500 GB): heb 12 000 / 5 = 2 400 each;
    #   vol 6 000 × GB / 6 500: 923,0769 (blois, blaisois), 1 846,1538 (agglo, cd37),
    #   461,5384 (chinon); 3 cents left to the largest remainders: chinon (.846), then blaisois
    #   and blois (.69, ties by code) → 923,08 923,08 1 846,15 1 846,15 461,54;
    #   install 900 / 4 = 225.
    #   A 2 400 + 923,08 + 225 = 3 548,08; B 4 800 + 1 846,15 + 923,08 + 225 = 7 794,23;
    #   coordinator 2 400 + 1 846,15 + 225 = 4 471,15; Chinon 2 400 + 461,54 + 225 = 3 086,54.
    assert _figures(impact) == {
        "Blois": (Decimal("4300.00"), Decimal("3548.08"), Decimal("-751.92"), Decimal("-17.49")),
        "Agglopolys": (
            Decimal("9300.00"),
            Decimal("7794.23"),
            Decimal("-1505.77"),
            Decimal("-16.19"),
        ),
        "Indre-et-Loire": (
            Decimal("5300.00"),
            Decimal("4471.15"),
            Decimal("-828.85"),
            Decimal("-15.64"),
        ),
        "Chinon": (Decimal("0.00"), Decimal("3086.54"), Decimal("3086.54"), None),
    }
    assert impact.total_without == impact.total_with == impact.pools_total == Decimal("18900.00")
    assert impact.total_difference == Decimal("0.00")
    assert [(t.code, t.months, t.volume_counted) for t in impact.added] == [("chinon", 12, True)]


def test_a_candidate_opening_on_15_march_counts_nine_months_and_no_volume(world):
    year = build_admission(world)
    impact = candidacy_impact(candidacy=year.candidacy, fiscal_year=year.fiscal_year)
    # heb: weights 12 × 4 + 9 = 57; 12 000 × 12 / 57 = 2 526,3157… (4 tenants),
    #   12 000 × 9 / 57 = 1 894,7368 (chinon); 3 cents left: chinon (.68), agglo, blaisois (.58)
    #   → blois 2 526,31, agglo 2 526,32, blaisois 2 526,32, cd37 2 526,31, chinon 1 894,74.
    # vol: not open on 1 January, no volume this year (as billing does): unchanged.
    # install 900 by months of membership, as billing prorates: A, B, coordinator 12 each,
    #   Chinon 9 (a member from its opening) = 45 → 240, 240, 240 and 180.
    # A 2 526,31 + 1 000 + 240 = 3 766,31; B 5 052,64 + 3 000 + 240 = 8 292,64;
    # coordinator 2 526,31 + 2 000 + 240 = 4 766,31; Chinon 1 894,74 + 180 = 2 074,74.
    figures = _figures(impact)
    assert {name: f[1] for name, f in figures.items()} == {
        "Blois": Decimal("3766.31"),
        "Agglopolys": Decimal("8292.64"),
        "Indre-et-Loire": Decimal("4766.31"),
        "Chinon": Decimal("2074.74"),
    }
    assert impact.total_with == Decimal("18900.00")
    assert impact.added[0].months == 9 and not impact.added[0].volume_counted


def test_the_simulation_writes_nothing_and_matches_the_run_after_admission(world):
    year = build_admission(world)
    candidacy_impact(candidacy=year.candidacy, fiscal_year=year.fiscal_year)
    assert not year.fiscal_year.runs.exists()
    run = runs.run_create(fiscal_year=year.fiscal_year, kind=RunKind.BUDGET)
    shares = {}
    for share in run.shares.all():
        shares[share.partner_id] = shares.get(share.partner_id, Decimal(0)) + share.amount
    impact = candidacy_impact(candidacy=year.candidacy, fiscal_year=year.fiscal_year)
    assert {r.partner.pk: r.without for r in impact.rows if r.without} == shares


def test_an_opening_after_the_year_is_shown_for_a_whole_year(world):
    year = build_admission(world, opening=datetime.date(2027, 3, 15))
    impact = candidacy_impact(candidacy=year.candidacy, fiscal_year=year.fiscal_year)
    assert impact.full_year
    assert _figures(impact)["Chinon"][1] == Decimal("3086.54")  # as opened on 1 January


@pytest.mark.parametrize(
    ("today", "expected"), [(datetime.date(2025, 12, 1), 2026), (datetime.date(2026, 5, 1), 2026)]
)
def test_next_year_by_default_else_the_current_one(world, today, expected):
    build_admission(world)
    assert simulation_year(world.consortium, today).year == expected


def test_no_budgeted_year_no_simulation_year(world):
    assert simulation_year(world.consortium, datetime.date(2024, 5, 1)) is None
