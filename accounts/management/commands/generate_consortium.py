"""Generate a large consortium in an empty database, for benchmarks and trials at scale.

    manage.py generate_consortium --partners 2000 --tenants 3000 --shared 308 --years 5 \
        --meetings 30 --seats 2000 --titres

The defaults are the size of the largest French pooling bodies (issue 17). Partners, tenants,
seats, attendance and votes are bulk inserts valid by construction; grids, pools, volumes, runs,
drafts, meetings and closings go through the services; the annual batches are issued in bulk as
the issuing service does it (`billing.generate_titres`). Same seed, same consortium.
"""

import random
import time

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts import services
from accounts.models import User
from billing.generate import generate_years
from billing.generate_titres import generate_annual_titres, settings_for
from governance.generate import generate_meetings
from ligeris.lib.roles import Role
from ligeris.lib.scopes import unscoped
from partners.generate import generate_partners
from partners.models import Consortium

ACCOUNTS = (
    ("admin@essai.localhost", Role.ADMIN),
    ("finance@essai.localhost", Role.FINANCE),
    ("secretaire@essai.localhost", Role.SECRETARY),
)


class Command(BaseCommand):
    help = "Génère un grand groupement (partenaires, tenants, exercices, titres, séances)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=2000)
        parser.add_argument("--tenants", type=int, default=3000)
        parser.add_argument(
            "--shared", type=int, default=308, help="tenants à plusieurs détenteurs"
        )
        parser.add_argument(
            "--years", type=int, default=5, help="exercices, jusqu'à l'année en cours"
        )
        parser.add_argument("--meetings", type=int, default=30)
        parser.add_argument("--seats", type=int, default=2000, help="sièges par instance")
        parser.add_argument(
            "--titres",
            action="store_true",
            default=True,
            help="titres annuels émis et payés pour chaque exercice (par défaut)",
        )
        parser.add_argument("--no-titres", dest="titres", action="store_false")
        parser.add_argument(
            "--partner-users",
            type=int,
            default=10,
            help="comptes de partenaires (au plus un chacun)",
        )
        parser.add_argument("--password", default="ligeris-essai-2026")
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument("--name", default="Groupement d'essai")

    def _check(self, options) -> None:
        errors = []
        if options["partners"] < 2:
            errors.append("Il faut au moins deux partenaires (dont le coordonnateur).")
        if options["tenants"] < 1:
            errors.append("Il faut au moins un tenant.")
        if not 0 <= options["shared"] < options["tenants"]:
            errors.append("Les tenants partagés sont moins nombreux que les tenants.")
        if not 1 <= options["years"] <= 20:
            errors.append("Le nombre d'exercices va de 1 à 20.")
        if not 0 <= options["seats"] <= options["partners"]:
            errors.append("Une instance a au plus un siège par partenaire.")
        if options["meetings"] < 0 or (options["meetings"] and options["seats"] < 1):
            errors.append("Des séances demandent au moins un siège.")
        if options["partner_users"] < 0:
            errors.append("Le nombre de comptes partenaires est positif ou nul.")
        if Consortium.objects.exists():
            errors.append("La base contient déjà un groupement : générez dans une base vide.")
        if errors:
            raise CommandError(" ".join(errors))

    def _step(self, label: str, function, *args, **kwargs):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        self.stdout.write(f"  {label} : {time.perf_counter() - start:.1f} s")
        return result

    @unscoped  # every consortium's rows
    def handle(self, *args, **options):
        self._check(options)
        rng = random.Random(options["seed"])  # noqa: S311 (synthetic data)
        start = time.perf_counter()
        with transaction.atomic():
            generated = self._step(
                "partenaires et tenants",
                generate_partners,
                name=options["name"],
                partners=options["partners"],
                tenants=options["tenants"],
                shared=options["shared"],
                years=options["years"],
                rng=rng,
            )
        totals = {"titres": 0, "payments": 0}
        settings = settings_for(generated.consortium)  # ready to issue, with titres or not

        def annual_titres(year) -> None:
            issued, paid = generate_annual_titres(run=year.budget, settings=settings, rng=rng)
            totals["titres"] += issued
            totals["payments"] += paid

        # One transaction per year: the sequences are checked at each commit on PostgreSQL.
        years = self._step(
            "exercices, répartitions" + (" et titres" if options["titres"] else ""),
            generate_years,
            consortium=generated.consortium,
            years=options["years"],
            rng=rng,
            on_budget=annual_titres if options["titres"] else None,
            log=self.stdout.write,
        )
        with transaction.atomic():
            counts = self._step(
                "séances",
                generate_meetings,
                generated=generated,
                meetings_count=options["meetings"],
                seats=options["seats"],
                rng=rng,
            )
            self._accounts(generated, options["partner_users"], options["password"])
        if connection.vendor == "postgresql":
            # Fresh statistics: without them PostgreSQL plans freshly bulk-loaded tables badly
            # (the meeting page's attendance query ran for minutes).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        shares = sum(year.budget.shares.count() for year in years)
        self.stdout.write(
            f"Groupement « {generated.consortium.name} » : {len(generated.partners)} partenaires, "
            f"{len(generated.tenants)} tenants ({options['shared']} partagés), {len(years)} "
            f"exercices ({shares} quotes-parts prévisionnelles), {totals['titres']} titres émis, "
            f"{totals['payments']} paiements, {counts['meetings']} séances "
            f"({counts['attendances']} présences, {counts['votes']} votes), en "
            f"{time.perf_counter() - start:.0f} s."
        )
        self.stdout.write(f"Comptes (mot de passe : {options['password']}) :")
        for user in User.objects.order_by("pk"):
            self.stdout.write(f"  {user.email}")

    def _accounts(self, generated, partner_users: int, password: str) -> None:
        accounts = [(email, role, None) for email, role in ACCOUNTS] + [
            (f"partenaire{index:04d}@essai.localhost", Role.PARTNER, partner)
            for index, partner in enumerate(generated.partners[1 : partner_users + 1], start=1)
        ]
        for email, role, partner in accounts:
            services.user_create(
                email=email,
                role=role,
                partner=partner,
                verified=True,
                consortia=[generated.consortium],
            )
        # One hash for all: hashing is deliberately slow.
        User.objects.update(password=make_password(password))
