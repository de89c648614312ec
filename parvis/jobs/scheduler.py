"""Periodic jobs: each period's run is claimed by one conditional UPDATE, whoever wins enqueues.

Every worker runs the scheduler. A due row is claimed with
``UPDATE ... SET next_run_at = new WHERE id = ... AND next_run_at = old``: on PostgreSQL the
second UPDATE waits for the first to commit, then finds the row changed and updates nothing; on
SQLite writers are serialised. The enqueue happens in the same transaction as the claim, so a
failed enqueue gives the period back.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from parvis.jobs import api
from parvis.jobs.models import PeriodicJob

logger = logging.getLogger("parvis.jobs")


def next_run_after(
    previous: datetime.datetime, interval_seconds: int, now: datetime.datetime
) -> datetime.datetime:
    """The first slot of the job's cadence strictly after ``now`` (missed slots are skipped)."""
    interval = datetime.timedelta(seconds=interval_seconds)
    if previous > now:
        return previous
    missed = (now - previous) // interval
    return previous + (missed + 1) * interval


def sync_periodic_jobs(now: datetime.datetime | None = None) -> None:
    """Create or update the rows of the jobs declared with ``@periodic``."""
    now = now or timezone.now()
    for spec in api.PERIODIC_JOBS.values():
        job, created = PeriodicJob.objects.get_or_create(
            name=spec.name,
            defaults={
                "task_path": spec.task_path,
                "interval_seconds": spec.interval_seconds,
                "next_run_at": now,
                "declared_in_code": True,
            },
        )
        changed = (job.task_path, job.interval_seconds) != (spec.task_path, spec.interval_seconds)
        if not created and (changed or not job.declared_in_code):
            PeriodicJob.objects.filter(pk=job.pk).update(
                task_path=spec.task_path,
                interval_seconds=spec.interval_seconds,
                declared_in_code=True,
                next_run_at=min(
                    job.next_run_at, now + datetime.timedelta(seconds=spec.interval_seconds)
                ),
            )
    PeriodicJob.objects.filter(declared_in_code=True, enabled=True).exclude(
        name__in=list(api.PERIODIC_JOBS)
    ).update(enabled=False)


def claim_periodic_run(job: PeriodicJob, now: datetime.datetime) -> str | None:
    """Enqueue the job's task if this process wins the period; returns the task result id."""
    try:
        task = import_string(job.task_path)
    except ImportError:
        logger.warning("periodic job %s: task %s not found", job.name, job.task_path)
        return None
    if not isinstance(task, Task):
        logger.warning("periodic job %s: %s is not a task", job.name, job.task_path)
        return None
    new = next_run_after(job.next_run_at, job.interval_seconds, now)
    with transaction.atomic():
        won = PeriodicJob.objects.filter(
            pk=job.pk, next_run_at=job.next_run_at, enabled=True
        ).update(next_run_at=new, last_enqueued_at=now)
        if not won:
            return None
        result: Any = task.enqueue()
        PeriodicJob.objects.filter(pk=job.pk).update(last_task_id=result.id)
    logger.info("periodic job %s enqueued as %s", job.name, result.id)
    return str(result.id)


def enqueue_due_periodic_jobs(now: datetime.datetime | None = None) -> list[str]:
    """Claim every due period; returns the ids of the task results this process enqueued."""
    now = now or timezone.now()
    due = PeriodicJob.objects.filter(enabled=True, next_run_at__lte=now)
    return [result_id for job in due if (result_id := claim_periodic_run(job, now))]
