"""``parvis demo``: load the demo organisations (idempotent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parvis.organisations.demo import load_demo


class Command(BaseCommand):
    help = "Charge les organisations de démonstration / Load the demo organisations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--production",
            action="store_true",
            help="charger la démo même en production / load the demo even in production",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PARVIS_ENV == "production" and not options["production"]:
            # The demo accounts share a published password.
            raise CommandError(
                "La démo n'est pas chargée en production : ses comptes ont un mot de passe "
                "public. Ajoutez --production pour la charger quand même. / The demo is not "
                "loaded in production (its accounts share a public password); add --production."
            )
        for organisation in load_demo():
            self.stdout.write(_("Organisation de démonstration prête : %s") % organisation.name)
