"""Build the demo Ligeris consortium from `fixtures/` through the services."""

import csv
import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from partners import services
from partners.models import Consortium, Convention, Partner, PartnerStatus, Person

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CONSORTIUM_NAME = "Ligeris — système d'archivage électronique mutualisé"


def _rows(name: str) -> list[dict[str, str]]:
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def load_demo_consortium() -> Consortium:
    existing = Consortium.objects.filter(name=CONSORTIUM_NAME).first()
    if existing is not None:
        return existing
    consortium = Consortium.objects.create(
        name=CONSORTIUM_NAME, short_name="Ligeris", platform="Asalae (tiers-hébergé)"
    )
    by_short_name: dict[str, Partner] = {}
    coordinator = None
    for row in _rows("ligeris_partners.csv"):
        partner = services.partner_save(
            partner=Partner(consortium=consortium),
            name=row["name"],
            short_name=row["short_name"],
            kind=row["kind"],
            siret=row["siret"],
            address=row["address"],
            postal_code=row["postal_code"],
            city=row["city"],
            representative_name=row["representative"],
            representative_title=row["representative_title"],
            approving_body=row["approving_body"],
            approval_date=_date(row["approving_date"]),
            status=PartnerStatus.MEMBER,
            in_2019_partnership=row["in_2019_partnership"] == "yes",
        )
        by_short_name[partner.short_name] = partner
        if row["coordinator"] == "yes":
            coordinator = partner
    services.consortium_set_coordinator(consortium=consortium, coordinator=coordinator)
    services.convention_save(
        convention=Convention(consortium=consortium),
        title="Convention de mutualisation pour un système d'archivage électronique « Ligeris »",
        signed_on=datetime.date(2023, 12, 15),
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2027, 12, 31),
        notice_months=3,
    )
    for row in _rows("ligeris_tenants.csv"):
        co_holders = [by_short_name[name] for name in row["co_holders"].split(";") if name]
        services.tenant_create(
            consortium=consortium,
            code=row["code"],
            name=row["name"],
            opened_on=_date(row["opened_on"]),
            deployed_on=_date(row["deployed_on"]),
            payer=by_short_name[row["payer"]],
            co_holders=co_holders,
        )
    for row in _rows("ligeris_people.csv"):
        services.person_save(
            person=Person(partner=by_short_name[row["partner"]]),
            civility=row["civility"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            role=row["role"],
            job_title=row["job_title"],
            email=row["email"],
            phone=row["phone"],
        )
    return consortium
