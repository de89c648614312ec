"""State of the instance, computed from the database (same answer from every web process)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Max, Min
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from parvis.jobs.models import WorkerHeartbeat


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except DatabaseError:
        return False
    return bool(row == (1,))


def needs_worker() -> bool:
    """False when jobs run inside requests (PARVIS_TASKS_IMMEDIATE, debugging only)."""
    return any(isinstance(backend, DatabaseBackend) for backend in task_backends.all())


@dataclass(frozen=True)
class WorkerState:
    status: str  # "ok", "stale", "absent" or "not_required"
    last_heartbeat_age: float | None
    alive: int


def worker_state(now: datetime.datetime | None = None) -> WorkerState:
    now = now or timezone.now()
    stale = datetime.timedelta(seconds=settings.PARVIS_WORKER_STALE_SECONDS)
    beats = WorkerHeartbeat.objects.aggregate(last=Max("last_seen"))
    alive = WorkerHeartbeat.objects.filter(last_seen__gte=now - stale).count()
    last = beats["last"]
    age = None if last is None else round(max(0.0, (now - last).total_seconds()), 1)
    if not needs_worker():
        return WorkerState("not_required", age, alive)
    if last is None:
        return WorkerState("absent", None, 0)
    return WorkerState("ok" if alive else "stale", age, alive)


def queue_depths() -> dict[tuple[str, str], int]:
    """Number of task results per (queue, status), zero for the configured empty queues."""
    depths = {
        (queue, status): 0
        for backend in settings.TASKS.values()
        for queue in backend.get("QUEUES", [])
        for status in TaskResultStatus.values
    }
    rows = DBTaskResult.objects.values("queue_name", "status").annotate(n=Count("pk"))
    depths.update({(row["queue_name"], row["status"]): row["n"] for row in rows})
    return depths


def ready_count() -> int:
    return DBTaskResult.objects.ready().count()


def oldest_ready_age(now: datetime.datetime | None = None) -> dict[str, float]:
    """Seconds since the oldest ready task of each queue became runnable."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready().values("queue_name")
    ages: dict[str, float] = {}
    for row in ready.annotate(enqueued=Min("enqueued_at"), after=Min("run_after")):
        # A deferred task becomes runnable at run_after, an immediate one when enqueued.
        since = max(row["enqueued"], min(row["after"], now))
        ages[row["queue_name"]] = max(0.0, (now - since).total_seconds())
    return ages
