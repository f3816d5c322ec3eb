"""The annual catalogue titre: each member's subscriptions priced by the voted catalogue of the
year billed, drafted through billing's titre engine (same batches, numbering and issuing)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.services.titres import drafts_from_lines
from catalogue import conf, rules
from catalogue.models import Catalogue, CatalogueTitre, Subscription
from partners.models import BillingMode, Consortium
from titres.models import TitreBatch, TitreKind
from titres.money import ZERO, format_euros
from titres.services.common import Draft, Line


@dataclass(frozen=True)
class BillLine:
    partner_id: int
    complementary: bool
    line: Line


def _voted_catalogue(consortium: Consortium, year: int) -> Catalogue:
    catalogue = Catalogue.objects.filter(consortium=consortium, year=year).first()
    if catalogue is None or not catalogue.is_voted:
        raise ValidationError(
            _("Le catalogue %(year)s n'est pas voté : rien ne se facture sur ses prix.")
            % {"year": year}
        )
    return catalogue


def bill_lines(consortium: Consortium, catalogue: Catalogue) -> list[BillLine]:
    """Every member's lines for the catalogue's year, the coordinator excepted (it bears its
    own services); three queries whatever the number of subscriptions."""
    year = catalogue.year
    prices = dict(catalogue.prices.values_list("service_id", "price"))
    subscriptions = (
        Subscription.objects.filter(
            consortium=consortium, starts_on__lte=datetime.date(year, 12, 31)
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=datetime.date(year, 1, 1)))
        .exclude(partner_id=consortium.coordinator_id)
        .select_related("service", "partner")
        .order_by("partner__name", "service__code", "starts_on", "pk")
    )
    lines = []
    for sub in subscriptions:
        service = sub.service
        if service.pk not in prices:
            raise ValidationError(
                _("Le service %(code)s n'a pas de prix au catalogue %(year)s.")
                % {"code": service.code, "year": year}
            )
        price = prices[service.pk]
        months = rules.twelfths(sub.starts_on, sub.ends_on, year)
        value = rules.amount(service.kind, price, sub.quantity, months)
        if value <= ZERO:
            continue
        label = f"{service.code} — {service.label}"
        base = rules.base_text(service.kind, service.unit, price, sub.quantity, months)
        lines.append(BillLine(sub.partner_id, service.complementary, Line(label, base, value)))
    return lines


def _wording(consortium, catalogue, timing) -> dict:
    """The titre's heading and legal basis: a voted catalogue's services, not a contribution
    grid; in arrears, the past year's services."""
    convention = consortium.conventions.order_by("-signed_on").first()
    values = {
        "convention": convention.title if convention else consortium.name,
        "signed_on": _(" du %(date)s") % {"date": convention.signed_on.strftime("%d/%m/%Y")}
        if convention and convention.signed_on
        else "",
        "year": catalogue.year,
        "voted_on": catalogue.voted_on.strftime("%d/%m/%Y"),
        "decision": catalogue.decision or _("délibération du coordonnateur"),
    }
    values["timing"] = _("terme échu") if timing == conf.ARREARS else _("terme à échoir")
    heading = _("Titre annuel (%(timing)s)") % values
    basis = _(
        "%(convention)s%(signed_on)s ; catalogue des services %(year)s voté le %(voted_on)s "
        "(%(decision)s) ; services de l'exercice %(year)s, facturés à %(timing)s."
    )
    return {"heading": heading, "basis": basis % values}


def _object_text(consortium, year, complementary, timing) -> str:
    values = {"year": year, "consortium": consortium.short_name}
    if complementary:
        return _("Services complémentaires %(year)s de %(consortium)s") % values
    if timing == conf.ARREARS:
        return _("Services %(year)s du catalogue de %(consortium)s (terme échu)") % values
    return _("Services %(year)s du catalogue de %(consortium)s (terme à échoir)") % values


@transaction.atomic
def catalogue_billing(
    *, consortium: Consortium, issue_date: datetime.date, user=None
) -> tuple[TitreBatch, list[str]]:
    """The annual titres, one per member (complementary services on a titre apart), in the
    batch in preparation for `issue_date`. Refused outside the issuing window."""
    consortium = Consortium.objects.select_for_update().get(pk=consortium.pk)
    if consortium.billing_mode != BillingMode.CATALOGUE:
        raise ValidationError(_("Ce groupement ne facture pas sur un catalogue de services."))
    window = conf.issue_window()
    if not conf.in_window(issue_date, window):
        raise ValidationError(
            {
                "issue_date": _(
                    "Le titre annuel s'émet du %(window)s seulement : le %(date)s est hors de "
                    "cette période."
                )
                % {"window": conf.window_text(window), "date": issue_date.strftime("%d/%m/%Y")}
            }
        )
    timing = conf.billing_timing()
    year = rules.billed_year(issue_date, timing)
    catalogue = _voted_catalogue(consortium, year)
    billed = set(
        CatalogueTitre.objects.filter(catalogue=catalogue).values_list(
            "partner_id", "complementary"
        )
    )
    grouped: dict[tuple[int, bool], list[Line]] = defaultdict(list)
    for item in bill_lines(consortium, catalogue):
        if (item.partner_id, item.complementary) not in billed:
            grouped[(item.partner_id, item.complementary)].append(item.line)
    if not grouped:
        raise ValidationError(
            _("Aucun membre à facturer sur le catalogue %(year)s.") % {"year": year}
        )
    partners = {p.pk: p for p in consortium.partners.filter(pk__in={k[0] for k in grouped})}
    keys = sorted(grouped, key=lambda k: (partners[k[0]].name, k[1]))
    wording = _wording(consortium, catalogue, timing)
    drafts = [
        Draft(
            TitreKind.ANNUAL,
            partners[partner_id],
            None,
            None,
            grouped[(partner_id, complementary)],
            object_text=_object_text(consortium, year, complementary, timing),
            wording=wording,
        )
        for partner_id, complementary in keys
    ]
    batch, titres = drafts_from_lines(
        consortium=consortium, year=year, issue_date=issue_date, drafts=drafts, user=user
    )
    CatalogueTitre.objects.bulk_create(
        CatalogueTitre(catalogue=catalogue, partner_id=key[0], complementary=key[1], titre=titre)
        for key, titre in zip(keys, titres, strict=True)
    )
    total = sum((t.total for t in titres), ZERO)
    text = ngettext(
        "%(count)s titre établi sur le catalogue %(year)s, %(total)s.",
        "%(count)s titres établis sur le catalogue %(year)s, %(total)s.",
        len(titres),
    )
    return batch, [text % {"count": len(titres), "year": year, "total": format_euros(total)}]
