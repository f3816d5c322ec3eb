"""The Cœur Côte Fleurie demo loader: two communes, six services, and its annual titres drafted
in February of the next year (the coordinator bears its own)."""

import datetime

from catalogue.demo import load_coeur_cote_fleurie
from catalogue.models import Catalogue, Service, Subscription
from catalogue.services.billing import catalogue_billing
from tests.catalogue_fixtures import D


def test_the_demo_consortium_bills_its_two_communes(db):
    consortium = load_coeur_cote_fleurie(2025)
    assert Service.objects.filter(consortium=consortium).count() == 6
    assert Subscription.objects.filter(consortium=consortium).count() == 6
    assert Catalogue.objects.filter(consortium=consortium, voted_on__isnull=True).get().year == 2026
    batch, _notes = catalogue_billing(consortium=consortium, issue_date=datetime.date(2026, 2, 16))
    totals = dict(batch.titres.values_list("debtor__short_name", "total"))
    # Trouville: 900 + 500 + 120; Villers (since December 2024, 12/12): 35 × 18 + 850 + 12 × 45.
    assert totals == {"Trouville-sur-Mer": D("1520.00"), "Villers-sur-Mer": D("2020.00")}
