"""``parvis restore FILE``: put back a SQLite backup (and its media archive)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parvis.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde SQLite / Restore a SQLite backup."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="fichier .sqlite3 écrit par parvis backup")
        parser.add_argument(
            "--media", type=Path, default=None, help="archive des médias (défaut : à côté)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="même si un worker est actif / even if a worker runs",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            kept = restore(options["file"], media=options["media"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Sauvegarde restaurée. Ancienne base conservée : %s") % kept)
        self.stdout.write(_("Redémarrez le serveur web et les workers."))
