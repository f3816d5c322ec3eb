"""billing's entry point for lines another calculator gives (`drafts_from_lines`): the same
batch, numbering and issuing as a run's titres; what it refuses writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.services import titres
from tests.factories import PartnerFactory
from tests.titre_fixtures import SETTINGS
from titres.models import RevenueTitle, TitreBatch, TitreKind
from titres.services.common import Draft, Line

DAY = datetime.date(2026, 2, 16)


def _draft(partner, *amounts, kind=TitreKind.ANNUAL):
    lines = [Line(f"Service {n}", "1 × prix", Decimal(a)) for n, a in enumerate(amounts)]
    return Draft(kind, partner, None, None, lines, object_text="Services 2025")


@pytest.fixture
def configured(world):
    titres.settings_save(consortium=world.consortium, **SETTINGS)
    return world


def test_drafts_are_numbered_by_the_engine_like_any_titre(configured):
    world = configured
    batch, drafted = titres.drafts_from_lines(
        consortium=world.consortium,
        year=2025,
        issue_date=DAY,
        drafts=[_draft(world.partner_a, "900", "120.00"), _draft(world.partner_b, "12.50")],
    )
    assert [t.total for t in drafted] == [Decimal("1020.00"), Decimal("12.50")]
    assert drafted[1].below_threshold is True  # 12,50 € is under the 15 € threshold
    titres.titre_decide_recovery(titre=drafted[1], recover=True)
    titres.batch_issue(batch=batch)
    issued = RevenueTitle.objects.filter(batch=batch).order_by("number")
    assert [t.reference for t in issued] == ["2026-00001", "2026-00002"]
    assert issued[0].snapshot["legal"]["grid_year"] == 2025
    # A second call the same day joins the same batch in preparation... once issued, a new one.
    batch2, _drafted = titres.drafts_from_lines(
        consortium=world.consortium,
        year=2025,
        issue_date=DAY,
        drafts=[_draft(world.partner_a, "1")],
    )
    assert batch2.pk != batch.pk


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda w: _draft(w.coordinator, "10"), "coordonnateur"),
        (lambda w: _draft(w.partner_a, "10", "-1"), "montant positif"),
        (lambda w: _draft(w.partner_a), "montant positif"),
        (lambda w: _draft(w.partner_a, "10", kind=TitreKind.REDUCTION), "titres de paiement"),
        (lambda w: _draft(PartnerFactory(), "10"), "pas membre"),
    ],
)
def test_what_the_engine_refuses_writes_nothing(configured, make, message):
    world = configured
    with pytest.raises(ValidationError, match=message):
        titres.drafts_from_lines(
            consortium=world.consortium, year=2025, issue_date=DAY, drafts=[make(world)]
        )
    assert not TitreBatch.objects.exists() and not RevenueTitle.objects.exists()


def test_no_settings_no_titre(world):
    with pytest.raises(ValidationError, match="paramètres des titres"):
        titres.drafts_from_lines(
            consortium=world.consortium,
            year=2025,
            issue_date=DAY,
            drafts=[_draft(world.partner_a, "10")],
        )


def test_an_issue_date_to_come_is_refused(configured):
    world = configured
    with pytest.raises(ValidationError, match="futur"):
        titres.drafts_from_lines(
            consortium=world.consortium,
            year=2026,
            issue_date=datetime.date(2099, 1, 5),
            drafts=[_draft(world.partner_a, "10")],
        )
