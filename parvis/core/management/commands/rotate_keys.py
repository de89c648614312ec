"""``parvis rotate-keys``: re-encrypt every secret at rest with the current key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parvis.core import crypto
from parvis.core.rotation import rotate_all

HELP = """Rechiffre tous les secrets enregistrés (jetons des réseaux…) avec la clé courante.

Procédure de rotation des clés :
  1. Générez une nouvelle clé (32 caractères au moins) :
       python3 -c "import secrets; print(secrets.token_urlsafe(48))"
  2. Placez-la EN TÊTE de PARVIS_ENCRYPTION_KEYS, en gardant l'ancienne après elle :
       PARVIS_ENCRYPTION_KEYS=nouvelle-cle,ancienne-cle
     puis redémarrez Parvis (serveur web et worker) : les nouveaux secrets sont chiffrés
     avec la nouvelle clé, les anciens restent lisibles.
  3. Lancez « parvis rotate-keys » : chaque secret est rechiffré avec la nouvelle clé, par
     lots. La commande peut être relancée sans risque (après une interruption par exemple) :
     elle ne touche qu'aux valeurs encore chiffrées avec une ancienne clé.
  4. Quand une nouvelle exécution affiche « 0 secret(s) rechiffré(s) » sans erreur,
     retirez l'ancienne clé de PARVIS_ENCRYPTION_KEYS et redémarrez. Gardez l'ancienne
     clé à l'abri tant que des sauvegardes chiffrées avec elle sont conservées.
"""


class Command(BaseCommand):
    help = HELP

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        from argparse import RawDescriptionHelpFormatter

        # Keep the line breaks of the procedure above in --help.
        kwargs.setdefault("formatter_class", RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Nombre de lignes rechiffrées par transaction (500 par défaut).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size doit être positif / must be positive.")
        try:
            current = crypto.keyring().current.id
        except crypto.KeyConfigurationError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Clé courante / current key: {current}")
        counts = rotate_all(batch_size=options["batch_size"])
        if not counts:
            self.stdout.write("Aucun champ chiffré dans ce schéma / no encrypted field.")
        failures = 0
        for count in counts:
            self.stdout.write(
                f"{count.label} : {count.seen} valeur(s), {count.rotated} rechiffrée(s), "
                f"{count.skipped} modifiée(s) entre-temps, {len(count.failed)} illisible(s)"
            )
            if count.failed:
                failures += len(count.failed)
                shown = ", ".join(str(pk) for pk in count.failed[:20])
                self.stderr.write(f"  illisibles / unreadable (pk): {shown}")
        total = sum(count.rotated for count in counts)
        if failures:
            raise CommandError(
                f"{failures} secret(s) illisible(s) avec les clés configurées : gardez toutes les "
                f"anciennes clés et corrigez-les avant de retirer une clé. / {failures} secret(s) "
                "cannot be decrypted with the configured keys: keep every old key."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{total} secret(s) rechiffré(s) ; relancer la commande doit en afficher 0. "
                f"/ {total} secret(s) re-encrypted."
            )
        )
