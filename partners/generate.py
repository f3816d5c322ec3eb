"""A generated consortium of any size: its partners, people, tenants and holdings.

For benchmarks and for trying the product at the size of the largest pooling bodies
(`manage.py generate_consortium`). The singletons go through the services; the thousands of
rows are written in bulk, valid by construction (SIRETs with their check digits, one payer per
tenant), since one service call per row would take minutes. The consortium grows over the
years: some tenants exist from the convention's first day, the others open month after month,
and a partner is a member from the opening of the first tenant it pays.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone

from partners import services
from partners.models import (
    Civility,
    Consortium,
    Convention,
    Holding,
    Partner,
    PartnerKind,
    PartnerStatus,
    Person,
    PersonRole,
    Tenant,
)
from partners.validators import luhn_valid

#: Share of the tenants open from the convention's first day; the others open month by month.
FOUNDING_SHARE = 0.41
#: Share of the tenants never deployed (their holders have an advisory vote only).
UNDEPLOYED_SHARE = 0.08
BATCH_SIZE = 1000

CITIES = (
    "Amboise", "Blois", "Bourges", "Chartres", "Châteaudun", "Châteauroux", "Chinon", "Dreux",
    "Gien", "Issoudun", "Loches", "Montargis", "Orléans", "Pithiviers", "Romorantin", "Saumur",
    "Tours", "Vendôme", "Vierzon", "Joué-lès-Tours", "Saint-Amand", "Le Blanc", "Nogent",
    "Beaugency", "Meung", "Sancerre", "Aubigny", "Argenton", "Chambray", "Fondettes",
)  # fmt: skip
KINDS = (
    (PartnerKind.COMMUNE, "Ville de", "Ville", 60),
    (PartnerKind.COMMUNAUTE_AGGLOMERATION, "Communauté d'agglomération de", "Agglo", 15),
    (PartnerKind.CCAS, "CCAS de", "CCAS", 10),
    (PartnerKind.CIAS, "CIAS de", "CIAS", 5),
    (PartnerKind.OTHER, "Syndicat intercommunal de", "SI", 10),
)
FIRST_NAMES = (
    (Civility.MRS, "Claire"), (Civility.MR, "Jean"), (Civility.MRS, "Sophie"),
    (Civility.MR, "Nicolas"), (Civility.MRS, "Isabelle"), (Civility.MR, "Philippe"),
    (Civility.MRS, "Nathalie"), (Civility.MR, "Laurent"), (Civility.MRS, "Camille"),
    (Civility.MR, "Thomas"),
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
)  # fmt: skip


@dataclass
class GeneratedConsortium:
    consortium: Consortium
    first_day: datetime.date
    partners: list[Partner]
    tenants: list[Tenant]
    #: Each tenant's holders (partner ids), the payer first.
    holders: dict[int, list[int]] = field(default_factory=dict)
    #: Each partner's people, by role.
    people: dict[int, dict[str, Person]] = field(default_factory=dict)


def with_check_digit(digits: str) -> str:
    """`digits` followed by the one digit that makes the whole Luhn-valid."""
    return next(digits + d for d in "0123456789" if luhn_valid(digits + d))


def siret(number: int) -> str:
    """A valid SIRET of nobody: a SIREN with its check digit, then a checked NIC."""
    siren = with_check_digit(f"2{number:07d}")
    return with_check_digit(f"{siren}0001")


def _month_starts(first: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The first day of every month after `first` up to last month."""
    months, day = [], first
    while True:
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        if day >= today.replace(day=1):
            return months
        months.append(day)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def _partner(consortium: Consortium, index: int, rng: random.Random) -> Partner:
    kind, prefix, short, _weight = rng.choices(KINDS, weights=[k[3] for k in KINDS])[0]
    city = CITIES[index % len(CITIES)]
    civility, first_name = rng.choice(FIRST_NAMES)
    return Partner(
        consortium=consortium,
        name=f"{prefix} {city} n° {index:04d}",
        short_name=f"{short} {city} {index:04d}",
        kind=kind,
        siret=siret(index),
        address=f"{index % 180 + 1} rue de la République",
        postal_code=f"{18000 + index % 27000:05d}",
        city=city,
        billing_email=f"finances@p{index:04d}.localhost",
        representative_name=f"{civility} {first_name} {rng.choice(LAST_NAMES)}",
        representative_title="Maire" if kind == PartnerKind.COMMUNE else "Président(e)",
        approving_body="Conseil municipal" if kind == PartnerKind.COMMUNE else "Conseil",
        status=PartnerStatus.MEMBER,
    )


def _coordinator(consortium: Consortium) -> Partner:
    return services.partner_save(
        partner=Partner(consortium=consortium),
        name="Département d'essai (coordonnateur)",
        short_name="Coordonnateur",
        kind=PartnerKind.DEPARTEMENT,
        siret=siret(0),
        address="Hôtel du Département, place de la Préfecture",
        postal_code="37000",
        city="Tours",
        billing_email="finances@coordonnateur.localhost",
        representative_name="M. Jean Martin",
        representative_title="Président du Conseil départemental",
        status=PartnerStatus.MEMBER,
    )


def _people(partners: list[Partner], rng: random.Random) -> dict[int, dict[str, Person]]:
    people = []
    for partner in partners:
        for role, title in ((PersonRole.DGS, "DGS"), (PersonRole.ARCHIVES, "archives")):
            civility, first_name = rng.choice(FIRST_NAMES)
            people.append(
                Person(
                    partner=partner,
                    civility=civility,
                    first_name=first_name,
                    last_name=rng.choice(LAST_NAMES),
                    role=role,
                    job_title=title,
                    email=f"{role}@p{partner.pk}.localhost",
                )
            )
    created = Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    by_partner: dict[int, dict[str, Person]] = {}
    for person in created:
        by_partner.setdefault(person.partner_id, {})[person.role] = person
    return by_partner


def generate_partners(
    *, name: str, partners: int, tenants: int, shared: int, years: int, rng: random.Random
) -> GeneratedConsortium:
    """The consortium, its convention from 1 January `years` years back, `partners` partners
    (the coordinator first), two people each, and `tenants` tenants of which `shared` have
    co-holders."""
    today = timezone.localdate()
    first_day = datetime.date(today.year - years + 1, 1, 1)
    consortium = Consortium.objects.create(
        name=name, short_name="Essai", platform="Système d'archivage électronique mutualisé"
    )
    coordinator = _coordinator(consortium)
    services.consortium_set_coordinator(consortium=consortium, coordinator=coordinator)
    services.convention_save(
        convention=Convention(consortium=consortium),
        title=f"Convention de mutualisation « {name} »",
        signed_on=first_day - datetime.timedelta(days=17),
        starts_on=first_day,
        renewal_years=4,
        notice_months=3,
    )
    others = [_partner(consortium, index, rng) for index in range(1, partners)]
    members = [coordinator, *services.partners_bulk_create(others, batch_size=BATCH_SIZE)]
    months = _month_starts(first_day, today)
    rows, payers = [], []
    for index in range(tenants):
        payer = members[index] if index < len(members) else rng.choice(members)
        founding = index == 0 or not months or rng.random() < FOUNDING_SHARE
        opened_on = first_day if founding else rng.choice(months)
        deployed_on = _add_months(opened_on, rng.randint(0, 6))
        if deployed_on > today or (index and rng.random() < UNDEPLOYED_SHARE):
            deployed_on = None
        rows.append(
            Tenant(
                consortium=consortium,
                code=f"t{index:05d}",
                name=f"Archives — {payer.short_name}"
                + (f" ({index})" if index >= partners else ""),
                opened_on=opened_on,
                deployed_on=deployed_on,
            )
        )
        payers.append(payer)
    created = Tenant.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    holders = {tenant.pk: [payer.pk] for tenant, payer in zip(created, payers, strict=True)}
    # Co-holders of the shared tenants (never the coordinator's first tenant).
    for tenant in rng.sample(created[1:], min(shared, len(created) - 1)):
        others = [p.pk for p in rng.sample(members, min(3, len(members)))]
        others = [pk for pk in others if pk not in holders[tenant.pk]]
        holders[tenant.pk].extend(others[: rng.randint(1, 2)])
    opened = {tenant.pk: tenant.opened_on for tenant in created}
    Holding.objects.bulk_create(
        [
            Holding(partner_id=pk, tenant_id=tenant_id, is_payer=rank == 0, since=opened[tenant_id])
            for tenant_id, pks in holders.items()
            for rank, pk in enumerate(pks)
        ],
        batch_size=BATCH_SIZE,
    )
    # A partner is a member from the opening of the first tenant it pays.
    since: dict[int, datetime.date] = {}
    for tenant, payer in zip(created, payers, strict=True):
        since[payer.pk] = min(since.get(payer.pk, tenant.opened_on), tenant.opened_on)
    late = [p for p in members if since.get(p.pk, first_day) > first_day]
    for partner in late:
        partner.member_since = since[partner.pk]
    Partner.objects.bulk_update(late, ["member_since"], batch_size=BATCH_SIZE)
    return GeneratedConsortium(
        consortium=consortium,
        first_day=first_day,
        partners=members,
        tenants=created,
        holders=holders,
        people=_people(members, rng),
    )
