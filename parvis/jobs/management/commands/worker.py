"""``parvis worker``: runs background jobs, beats, recovers lost jobs, enqueues periodic ones.

Start as many as needed: on SQLite, a few processes on the same machine; on PostgreSQL, on as
many machines as needed, all pointing at the same database.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import (
    valid_backend_name,
    valid_interval,
    valid_max_tasks,
    validate_worker_id,
)

from parvis.jobs.worker import ParvisWorker, default_worker_id


class Command(BaseCommand):
    help = "Exécute les tâches de fond / Run background jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue-name",
            default="*",
            help="files à traiter, séparées par des virgules ; * pour toutes (défaut : *)",
        )
        parser.add_argument("--exclude-queues", default="")
        parser.add_argument("--interval", type=valid_interval, default=1.0)
        parser.add_argument("--heartbeat", type=valid_interval, default=5.0)
        parser.add_argument("--batch", action="store_true")
        parser.add_argument("--max-tasks", type=valid_max_tasks, default=None)
        parser.add_argument("--worker-id", type=validate_worker_id, default=None)
        parser.add_argument(
            "--backend", type=valid_backend_name, default=DEFAULT_TASK_BACKEND_ALIAS
        )
        parser.add_argument("--no-startup-delay", action="store_false", dest="startup_delay")
        parser.add_argument("--no-scheduler", action="store_false", dest="scheduler")

    def handle(self, *args: Any, **options: Any) -> None:
        # Import every app's tasks module so that @periodic declarations are registered.
        autodiscover_modules("tasks")
        worker = ParvisWorker(
            queue_names=options["queue_name"].split(","),
            excluded_queue_names=[q for q in options["exclude_queues"].split(",") if q],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] or default_worker_id(),
            heartbeat=max(0.1, options["heartbeat"]),
            scheduler=options["scheduler"],
        )
        worker.configure_signals()
        worker.run()
