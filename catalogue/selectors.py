"""What the catalogue's pages read, scoped by the consortium and, for partner users, their own
partner (another partner's object answers 404)."""

from django.db.models import Count, QuerySet

from catalogue.models import Catalogue, CommissioningReport, Service, Subscription
from ligeris.lib.roles import PARTNERS, role_of
from partners.models import Consortium
from partners.selectors import acting_partner_id


def catalogues_of(consortium: Consortium) -> QuerySet[Catalogue]:
    return Catalogue.objects.filter(consortium=consortium).annotate(price_count=Count("prices"))


def services_of(consortium: Consortium) -> QuerySet[Service]:
    return Service.objects.filter(consortium=consortium)


def catalogue_prices(catalogue: Catalogue):
    return catalogue.prices.select_related("service").order_by("service__code")


def subscriptions_of(consortium: Consortium, user=None) -> QuerySet[Subscription]:
    rows = Subscription.objects.filter(consortium=consortium).select_related(
        "partner", "service", "report"
    )
    return _own(rows, user) if user is not None else rows


def reports_visible_to(consortium: Consortium, user) -> QuerySet[CommissioningReport]:
    rows = CommissioningReport.objects.filter(consortium=consortium).select_related("partner")
    return _own(rows, user)


def _own(rows, user):
    """A partner user's rows only (none if it acts for no partner); staff see them all."""
    if role_of(user) in PARTNERS:
        return rows.filter(partner_id=acting_partner_id(user))
    return rows
