from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts import integrity
from accounts.backup import restore
from ligeris.lib.scopes import unscoped


class Command(BaseCommand):
    help = "Restaure une sauvegarde (application arrêtée), puis vérifie son intégrité."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="dossier écrit par backup_data")

    @unscoped  # every consortium's rows
    def handle(self, *args, source: Path, **options):
        manifest = restore(source)
        problems = integrity.compare(manifest)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} écart(s) après la restauration.")
        self.stdout.write(self.style.SUCCESS("Sauvegarde restaurée, intégrité vérifiée."))
