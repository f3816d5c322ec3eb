from pathlib import Path

from django.core.management.base import BaseCommand

from accounts.backup import backup
from ligeris.lib.scopes import unscoped


class Command(BaseCommand):
    help = "Sauvegarde la base, les fichiers déposés et le manifeste d'intégrité dans un dossier."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="dossier à créer")

    @unscoped  # every consortium's rows
    def handle(self, *args, destination: Path, **options):
        manifest = backup(destination)
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite dans {destination} ({manifest['titre_pdfs']['checked']} PDF "
                f"de titres, {manifest['audit']['count']} entrées d'audit)."
            )
        )
