"""The catalogue's services and yearly prices: created, priced, voted, copied with indexation;
a service withdrawn for security with a notice to the members who use it."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from catalogue import conf
from catalogue.models import Catalogue, Service, ServicePrice, Subscription
from ligeris.lib.email import TemplatedEmail
from ligeris.lib.services import save_validated as save
from partners.models import Consortium, Partner
from titres.money import round_money


def _editable(catalogue: Catalogue) -> Catalogue:
    catalogue = Catalogue.objects.select_for_update().get(pk=catalogue.pk)
    if catalogue.is_voted:
        raise ValidationError(
            _("Le catalogue %(year)s est voté : ses prix ne changent plus.")
            % {"year": catalogue.year}
        )
    return catalogue


@transaction.atomic
def service_create(*, consortium: Consortium, **fields) -> Service:
    return save(Service(consortium=consortium), **fields)


@transaction.atomic
def catalogue_create(*, consortium: Consortium, year: int) -> Catalogue:
    return save(Catalogue(consortium=consortium), year=year)


@transaction.atomic
def price_set(*, catalogue: Catalogue, service: Service, price: Decimal) -> ServicePrice:
    catalogue = _editable(catalogue)
    if service.consortium_id != catalogue.consortium_id:
        raise ValidationError(_("Ce service n'est pas au catalogue de ce groupement."))
    if service.withdrawn_on:
        raise ValidationError(_("Ce service est retiré du catalogue."))
    row = ServicePrice.objects.filter(catalogue=catalogue, service=service).first()
    return save(row or ServicePrice(catalogue=catalogue, service=service), price=price)


@transaction.atomic
def catalogue_vote(*, catalogue: Catalogue, voted_on: datetime.date, decision: str) -> Catalogue:
    """The council's vote freezes the prices. Inside the window (1 January – 31 March by default)
    or, for a change during the year, any day of it: the page says which."""
    catalogue = _editable(catalogue)
    if voted_on.year not in (catalogue.year - 1, catalogue.year):
        raise ValidationError(
            {
                "voted_on": _("Le catalogue %(year)s se vote fin %(before)s ou en %(year)s.")
                % {"year": catalogue.year, "before": catalogue.year - 1}
            }
        )
    if not catalogue.prices.exists():
        raise ValidationError(_("Un catalogue sans aucun prix ne se vote pas."))
    return save(catalogue, voted_on=voted_on, decision=decision)


def voted_mid_year(catalogue: Catalogue) -> bool:
    """Voted outside the window: a change during the year (seed 004 allows it)."""
    return catalogue.is_voted and not conf.in_window(catalogue.voted_on, conf.vote_window())


@transaction.atomic
def catalogue_copy(*, catalogue: Catalogue, rate: Decimal) -> Catalogue:
    """Next year's draft catalogue: every price × (1 + rate %), to the cent; withdrawn services
    are left out. The council amends it, then votes it."""
    if rate <= Decimal("-100") or rate > Decimal("100"):
        raise ValidationError({"rate": _("Le taux d'indexation doit être entre -100 % et 100 %.")})
    copy = save(
        Catalogue(consortium_id=catalogue.consortium_id),
        year=catalogue.year + 1,
        indexed_from=catalogue,
        index_rate=rate,
    )
    factor = 1 + rate / 100
    ServicePrice.objects.bulk_create(
        ServicePrice(
            catalogue=copy, service_id=price.service_id, price=round_money(price.price * factor)
        )
        for price in catalogue.prices.filter(service__withdrawn_on__isnull=True)
    )
    return copy


@transaction.atomic
def service_withdraw(*, service: Service, withdrawn_on: datetime.date, reason: str) -> Service:
    """Forced out for security: its subscriptions end that day (billed to the month included)
    and each member that used it gets a simple notice, at its billing e-mail."""
    service = Service.objects.select_for_update().get(pk=service.pk)
    if service.withdrawn_on:
        raise ValidationError(_("Ce service est déjà retiré."))
    # A date outside every catalogue that prices the service would end subscriptions that were
    # never billed under it (a typing slip such as 0001 or 2062).
    if not ServicePrice.objects.filter(service=service, catalogue__year=withdrawn_on.year).exists():
        raise ValidationError(
            {
                "withdrawn_on": _(
                    "Aucun catalogue %(year)s ne tarife ce service : la date de retrait doit "
                    "tomber dans une année où il est au catalogue."
                )
                % {"year": withdrawn_on.year}
            }
        )
    service = save(service, withdrawn_on=withdrawn_on, withdrawal_reason=reason)
    running = Subscription.objects.filter(service=service).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=withdrawn_on)
    )
    partner_ids = set()
    for subscription in running.order_by("pk"):
        partner_ids.add(subscription.partner_id)
        if subscription.starts_on > withdrawn_on:
            subscription.delete()  # never ran: nothing to bill (the audit trail keeps it)
        else:
            subscription.ends_on = withdrawn_on
            subscription.save(update_fields=["ends_on"])
    emails = [
        email
        for email in Partner.objects.filter(pk__in=partner_ids)
        .order_by("name")
        .values_list("billing_email", flat=True)
        if email
    ]
    if emails:
        context = {"service": service, "consortium": service.consortium}
        notice = TemplatedEmail("catalogue_withdrawal")
        transaction.on_commit(
            lambda: [notice.message(to=[to], context=context).send() for to in emails]
        )
    return service
