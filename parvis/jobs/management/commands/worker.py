"""``parvis worker``: runs background jobs (placeholder until the jobs module lands)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Exécute les tâches de fond / Run background jobs."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("db_worker", queue_name="*")
