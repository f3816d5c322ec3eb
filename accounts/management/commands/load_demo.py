"""Load the demo consortium and one account per role (pre-verified, no 2FA)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import User
from billing.demo import load_demo_billing
from billing.order_demo import load_demo_orders
from billing.titre_demo import load_demo_titres
from governance.demo import load_demo_governance
from ligeris.lib.roles import Role
from membership.demo import load as load_demo_membership
from membership.demo import portal as demo_portal
from partners.demo import load_demo_consortium
from partners.models import Partner
from programme.demo import load_demo_programme

DEMO_PASSWORD = "ligeris-demo-2026"
DEMO_ACCOUNTS = (
    ("admin@ligeris.localhost", Role.ADMIN, None, "Alice", "Administratrice"),
    ("finance@ligeris.localhost", Role.FINANCE, None, "Fabrice", "Finances"),
    ("secretaire@ligeris.localhost", Role.SECRETARY, None, "Sarah", "Secrétaire"),
    ("partenaire@chateauroux.localhost", Role.PARTNER, "Châteauroux", "Paul", "Partenaire"),
    ("partenaire@cher.localhost", Role.PARTNER, "Cher", "Chloé", "Partenaire"),
)


class Command(BaseCommand):
    help = "Charge le groupement Ligeris de démonstration et un compte par rôle."

    @transaction.atomic
    def handle(self, *args, **options):
        consortium = load_demo_consortium()
        load_demo_governance(consortium)
        load_demo_programme(consortium)
        self.stdout.write(
            f"Groupement : {consortium.name} ({consortium.partners.count()} partenaires)"
        )
        fiscal_year = load_demo_billing(consortium)
        load_demo_titres(fiscal_year)
        load_demo_orders(fiscal_year)
        load_demo_membership(consortium)
        self.stdout.write(f"Répartition des coûts : exercice {fiscal_year.year}")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for email, role, partner_name, first_name, last_name in DEMO_ACCOUNTS:
            if not User.objects.filter(email=email).exists():
                partner = Partner.objects.get(short_name=partner_name) if partner_name else None
                services.user_create(
                    email=email,
                    role=role,
                    partner=partner,
                    first_name=first_name,
                    last_name=last_name,
                    password=DEMO_PASSWORD,
                    verified=True,
                    consortia=[consortium],
                )
            label = Role(role).label + (f" — {partner_name}" if partner_name else "")
            self.stdout.write(f"  {email:<36} {label}")
        # The portal's requests are the partner users' own: made once their accounts exist.
        demo_portal.load(consortium)
