"""`manage.py check_titre_balances`: the stored balances compared with the ledger's sums."""

import sys

from django.core.management.base import BaseCommand

from ligeris.lib.scopes import unscoped
from titres import balances


class Command(BaseCommand):
    help = (
        "Compare le reste à recouvrer enregistré de chaque titre émis aux paiements, réductions "
        "et remboursements ; sort en erreur au premier écart."
    )

    @unscoped  # every consortium's titres
    def handle(self, *args, **options):
        drifted = balances.drift()
        if drifted:
            shown = ", ".join(str(pk) for pk in drifted[:50])
            self.stderr.write(f"{len(drifted)} écart(s), titres n° interne : {shown}")
            sys.exit(1)
        self.stdout.write("0 écart : chaque reste à recouvrer enregistré suit le grand livre.")
