"""Check on a live system that what must never change has not: titre PDFs against their hashes,
and (given a manifest saved earlier) closed minutes, the audit trail and the uploaded files."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import integrity
from ligeris.lib.scopes import unscoped


class Command(BaseCommand):
    help = "Vérifie les empreintes des PDF de titres, des procès-verbaux clos, du journal d'audit."

    def add_arguments(self, parser):
        parser.add_argument("--save", type=Path, help="écrire le manifeste de l'état actuel")
        parser.add_argument("--against", type=Path, help="comparer à un manifeste enregistré")

    @unscoped  # every consortium's rows
    def handle(self, *args, save: Path | None, against: Path | None, **options):
        now = integrity.report()
        pdfs, audit = now["titre_pdfs"], now["audit"]
        self.stdout.write(
            f"PDF de titres vérifiés : {pdfs['checked']}, différents : {len(pdfs['mismatched'])}\n"
            f"Procès-verbaux clos : {len(now['closed_minutes'])}\n"
            f"Journal d'audit : {audit['count']} entrées, empreinte {audit['sha256'][:16]}…\n"
            f"Fichiers déposés : {len(now['media'])}"
        )
        if save:
            save.write_text(json.dumps(now, indent=1, sort_keys=True))
            self.stdout.write(f"Manifeste écrit : {save}")
        problems = [f"PDF du titre {ref} : empreinte différente" for ref in pdfs["mismatched"]]
        if against:
            problems = integrity.compare(json.loads(against.read_text()), now)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} écart(s) : l'intégrité n'est pas vérifiée.")
        self.stdout.write(self.style.SUCCESS("Intégrité vérifiée."))
