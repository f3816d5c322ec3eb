"""Load the demo's four consortia and their accounts (pre-verified, no 2FA).

Ligeris (seed 000) with one account per role; GIP RECIA (002), Cœur Côte Fleurie (004) and the
Cergy-Pontoise partnership (001/003) with a staff account each; an operator who works for all
four; the Département du Cher's partner account sees its memberships of Ligeris and GIP RECIA.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts import services
from accounts.models import User
from billing.demo import load_demo_billing
from billing.order_demo import load_demo_orders
from billing.titre_demo import load_demo_titres
from governance.demo import load_demo_governance
from ligeris.lib.roles import Role
from ligeris.lib.scopes import unscoped
from membership.demo import consortia as demo_consortia
from membership.demo import load as load_demo_membership
from membership.demo import portal as demo_portal
from partners.demo import load_demo_consortium
from partners.models import Partner

DEMO_PASSWORD = "ligeris-demo-2026"
#: email, role, the Ligeris partner acted for, the consortia worked for (indexes in the demo's
#: order: Ligeris, GIP RECIA, Cœur Côte Fleurie, Cergy-Pontoise), first and last names.
DEMO_ACCOUNTS = (
    ("admin@ligeris.localhost", Role.ADMIN, None, (0,), "Alice", "Administratrice"),
    ("finance@ligeris.localhost", Role.FINANCE, None, (0,), "Fabrice", "Finances"),
    ("secretaire@ligeris.localhost", Role.SECRETARY, None, (0,), "Sarah", "Secrétaire"),
    ("partenaire@chateauroux.localhost", Role.PARTNER, "Châteauroux", (0,), "Paul", "Partenaire"),
    ("partenaire@cher.localhost", Role.PARTNER, "Cher", (0,), "Chloé", "Partenaire"),
    ("finance@recia.localhost", Role.FINANCE, None, (1,), "Romain", "Recia"),
    ("finance@coeurcotefleurie.localhost", Role.FINANCE, None, (2,), "Florence", "Côte-Fleurie"),
    ("secretaire@cergypontoise.localhost", Role.SECRETARY, None, (3,), "Sophie", "Cergy"),
    ("operateur@ligeris.localhost", Role.FINANCE, None, (0, 1, 2, 3), "Olivier", "Opérateur"),
)


class Command(BaseCommand):
    help = "Charge les quatre groupements de démonstration et leurs comptes."

    @transaction.atomic
    @unscoped  # every consortium's rows
    def handle(self, *args, **options):
        consortium = load_demo_consortium()
        load_demo_governance(consortium)
        self.stdout.write(
            f"Groupement : {consortium.name} ({consortium.partners.count()} partenaires)"
        )
        fiscal_year = load_demo_billing(consortium)
        # The demo's batches are issued by their consortium's finance account, as in real use.
        load_demo_titres(fiscal_year, issued_by=_account("finance@ligeris.localhost", [consortium]))
        load_demo_orders(fiscal_year)
        load_demo_membership(consortium)
        self.stdout.write(f"Répartition des coûts : exercice {fiscal_year.year}")
        every = [
            consortium,
            *demo_consortia.load(
                consortium,
                ccf_issuer=lambda ccf: _account("finance@coeurcotefleurie.localhost", [ccf]),
            ),
        ]
        for other in every[1:]:
            self.stdout.write(f"Groupement : {other.name} ({other.partners.count()} partenaires)")
        self.stdout.write(f"Comptes de démonstration (mot de passe : {DEMO_PASSWORD})")
        for email, role, partner_name, indexes, _first, _last in DEMO_ACCOUNTS:
            _account(email, [every[i] for i in indexes], ligeris=consortium)
            where = partner_name or ", ".join(every[i].short_name for i in indexes)
            self.stdout.write(f"  {email:<36} {Role(role).label} — {where}")
        # The portal's requests are the partner users' own: made once their accounts exist.
        demo_portal.load(consortium)


def _account(email: str, consortia: list, *, ligeris=None) -> User:
    """The demo account of `email` (DEMO_ACCOUNTS), made once, working for `consortia`."""
    existing = User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    _email, role, partner_name, _indexes, first_name, last_name = next(
        row for row in DEMO_ACCOUNTS if row[0] == email
    )
    return services.user_create(
        email=email,
        role=role,
        partner=Partner.objects.get(consortium=ligeris, short_name=partner_name)
        if partner_name
        else None,
        first_name=first_name,
        last_name=last_name,
        password=DEMO_PASSWORD,
        verified=True,
        consortia=consortia,
    )
