"""``parvis demo``: load the demo organisations (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from parvis.organisations.demo import load_demo


class Command(BaseCommand):
    help = "Charge les organisations de démonstration / Load the demo organisations."

    def handle(self, *args: Any, **options: Any) -> None:
        for organisation in load_demo():
            self.stdout.write(_("Organisation de démonstration prête : %s") % organisation.name)
