"""``parvis backup [PATH]``: SQLite database and media, consistent while the instance runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parvis.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base SQLite et les médias / Back up the SQLite database and media."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="dossier ou fichier .sqlite3 (défaut : $PARVIS_DATA_DIR/backups)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            files = backup(options["path"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Base sauvegardée : %s") % files.database)
        self.stdout.write(_("Médias sauvegardés : %s") % files.media)
