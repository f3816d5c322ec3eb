"""`make run`'s demo: the four conventions' consortia side by side, with their accounts."""

import io

from django.core.management import call_command

from accounts.models import User
from catalogue.models import Service, Subscription
from commitments.models import ServiceRequest
from partners.consortia import consortia_of
from partners.models import BillingMode, Consortium, Organisation, Partner
from programme.models import RotaEntry, Workstream
from titres import titre_selectors
from titres.models import RevenueTitle, TitreBatch, TitreSettings, TitreState


def test_the_demo(db):
    """One load (it takes most of a minute), checked part by part."""
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    demo = {c.short_name: c for c in Consortium.objects.all()}
    _four_consortia_once(demo)
    _one_organisation_in_two_consortia()
    _each_convention_brings_its_own_rows(demo)
    _each_consortium_has_its_staff_and_the_operator_works_for_all(demo)
    _batches_are_issued_by_their_consortium_finance_account()


def _four_consortia_once(demo):
    assert sorted(demo) == ["Cergy-Pontoise", "Cœur Côte Fleurie", "GIP RECIA", "Ligeris"]
    modes = {name: (c.billing_mode, c.shares_costs) for name, c in demo.items()}
    assert modes == {
        "Ligeris": (BillingMode.COST_SHARING, True),
        "GIP RECIA": (BillingMode.CATALOGUE, False),
        "Cœur Côte Fleurie": (BillingMode.CATALOGUE, False),
        "Cergy-Pontoise": (BillingMode.NONE, False),
    }
    members = {
        name: set(c.partners.values_list("short_name", flat=True)) for name, c in demo.items()
    }
    assert members["GIP RECIA"] == {"GIP RECIA", "Grand Chambord", "Centre-Val de Loire", "Cher"}
    assert members["Cœur Côte Fleurie"] >= {"Trouville-sur-Mer", "Villers-sur-Mer"}
    assert members["Cergy-Pontoise"] == {"CA Cergy-Pontoise", "Osny"}
    assert len(members["Ligeris"]) >= 19  # the convention's 19, and the demo's admission


def _one_organisation_in_two_consortia():
    for short_name in ("Cher", "Centre-Val de Loire"):
        memberships = Partner.objects.filter(short_name=short_name)
        assert {p.consortium.short_name for p in memberships} == {"Ligeris", "GIP RECIA"}
        assert len({p.organisation_id for p in memberships}) == 1
    assert (
        Organisation.objects.filter(
            siret=Partner.objects.filter(short_name="Cher")[0].siret
        ).count()
        == 1
    )


def _each_convention_brings_its_own_rows(demo):
    ccf, recia, cergy = demo["Cœur Côte Fleurie"], demo["GIP RECIA"], demo["Cergy-Pontoise"]
    assert Service.objects.filter(consortium=ccf).count() == 6
    assert Service.objects.filter(consortium=recia, complementary=True).count() == 4
    assert Subscription.objects.filter(consortium=recia).count() == 8
    assert ServiceRequest.objects.filter(consortium=recia).count() == 3
    # Seed 004: the 2025 titres issued in February 2026 (the coordinator bears its own).
    issued = RevenueTitle.objects.filter(consortium=ccf, state=TitreState.ISSUED)
    assert sorted(issued.values_list("debtor__short_name", flat=True)) == [
        "Trouville-sur-Mer",
        "Villers-sur-Mer",
    ]
    # Each titre's remedies cite the article of its own convention that designates the court.
    assert {titre.snapshot["court"]["article"] for titre in issued} == {"10"}
    # Both communes paid their 2025 titres (none stays late in the demo).
    assert all(titre_selectors.balance_of(titre).balance == 0 for titre in issued)
    assert TitreSettings.objects.get(consortium=recia).court_article == "8"
    assert Workstream.objects.filter(consortium=cergy).count() == 4
    assert Workstream.objects.filter(consortium=demo["Ligeris"]).count() == 0
    assert list(
        RotaEntry.objects.filter(consortium=cergy).values_list("partner__short_name", flat=True)
    ) == [
        "CA Cergy-Pontoise",
        "Osny",
    ]
    assert cergy.conventions.get().renewal_years == 2
    assert recia.conventions.get().amicable_letters == 2


def _each_consortium_has_its_staff_and_the_operator_works_for_all(demo):
    def worked_for(email):
        return {c.short_name for c in consortia_of(User.objects.get(email=email))}

    assert worked_for("finance@ligeris.localhost") == {"Ligeris"}
    assert worked_for("finance@recia.localhost") == {"GIP RECIA"}
    assert worked_for("finance@coeurcotefleurie.localhost") == {"Cœur Côte Fleurie"}
    assert worked_for("secretaire@cergypontoise.localhost") == {"Cergy-Pontoise"}
    assert worked_for("operateur@ligeris.localhost") == set(demo)
    # The Cher's partner user acts for one organisation, member of two consortia.
    assert worked_for("partenaire@cher.localhost") == {"Ligeris", "GIP RECIA"}
    assert worked_for("partenaire@chateauroux.localhost") == {"Ligeris"}


def _batches_are_issued_by_their_consortium_finance_account():
    """A batch page reads « Émis par Fabrice Finances », never « Émis par — »."""
    issued = TitreBatch.objects.filter(issued_at__isnull=False).select_related(
        "issued_by", "fiscal_year__consortium"
    )
    by = {(b.fiscal_year.consortium.short_name, b.issued_by.email) for b in issued}
    assert by == {
        ("Ligeris", "finance@ligeris.localhost"),
        ("Cœur Côte Fleurie", "finance@coeurcotefleurie.localhost"),
    }
