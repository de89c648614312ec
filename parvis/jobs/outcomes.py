"""How a job ends: success, failure with its reason, retry, or recovery after a lost worker.

Every state change of a running result is a conditional UPDATE on ``status = RUNNING``: a result
recovered by another worker meanwhile is never written twice nor retried twice.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from typing import Any, TypeAlias

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from parvis.jobs.api import ParvisTask
from parvis.jobs.backoff import retry_delay
from parvis.jobs.errors import TransientError, WorkerLost
from parvis.jobs.models import TaskAttempt, WorkerHeartbeat

logger = logging.getLogger("parvis.jobs")

Result: TypeAlias = "DBTaskResult[Any, Any]"

INTERRUPTED_REASON = "interrompue à l'arrêt forcé du worker / interrupted by a forced worker stop"


def attempt_of(result_id: Any) -> int:
    """Attempt number of a result: 1 unless it is a retry."""
    attempt = TaskAttempt.objects.filter(result_id=result_id).values_list("attempt", flat=True)
    return attempt.first() or 1


def describe(exc: BaseException) -> str:
    """One line for people: the exception type and its message."""
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _running(result: Result) -> Any:
    return DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING)


def mark_successful(result: Result, return_value: Any) -> bool:
    """Record success; False when the result was no longer ours (recovered meanwhile)."""
    updated = _running(result).update(
        status=TaskResultStatus.SUCCESSFUL,
        finished_at=timezone.now(),
        return_value=return_value,
        exception_class_path="",
        traceback="",
    )
    return bool(updated)


def _task_or_none(result: Result) -> Task[..., Any] | None:
    try:
        task: Task[..., Any] = result.task
    except Exception:  # the task was renamed or removed: it cannot be retried
        logger.warning("task %s cannot be imported", result.task_path, exc_info=True)
        return None
    return task


def _enqueue_retry(
    result: Result, task: Task[..., Any], attempt: int, run_after: datetime.datetime
) -> str:
    retry = task.using(run_after=run_after).enqueue(
        *result.args_kwargs["args"], **result.args_kwargs["kwargs"]
    )
    first = TaskAttempt.objects.filter(result_id=result.pk).values_list("first_id", flat=True)
    TaskAttempt.objects.create(
        result_id=retry.id,
        attempt=attempt + 1,
        retry_of=result.pk,
        first_id=first.first() or result.pk,
    )
    return str(retry.id)


def _store_reason(result: Result, reason: str) -> None:
    TaskAttempt.objects.update_or_create(result_id=result.pk, defaults={"reason": reason})


def record_failure(result: Result, exc: BaseException) -> str | None:
    """Mark the result FAILED with its reason; enqueue a retry when the error allows one.

    Returns the id of the retry, if any. Only ``TransientError`` is retried with back-off;
    an interrupted job (forced stop) is retried like a crash, when the task allows it.
    """
    now = timezone.now()
    interrupted = isinstance(exc, KeyboardInterrupt | SystemExit)
    reason = INTERRUPTED_REASON if interrupted else describe(exc)
    with transaction.atomic():
        updated = _running(result).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}",
            traceback="".join(traceback.format_exception(exc)),
        )
        if not updated:
            logger.warning("task %s was recovered meanwhile; outcome not recorded", result.pk)
            return None
        _store_reason(result, reason)
        task = _task_or_none(result)
        if not isinstance(task, ParvisTask):
            return None
        attempt = attempt_of(result.pk)
        if attempt < task.max_attempts:
            if interrupted and task.retry_on_crash:
                return _enqueue_retry(result, task, attempt, now)
            if isinstance(exc, TransientError):
                delay = retry_delay(attempt, task.backoff, exc.retry_after)
                return _enqueue_retry(
                    result, task, attempt, now + datetime.timedelta(seconds=delay)
                )
        _give_up(result, task, reason)
    return None


def _give_up(result: Result, task: ParvisTask[..., Any], reason: str) -> None:
    """No retry left: tell the task's ``gave_up`` hook; its own failure never hides ours."""
    if task.gave_up is None:
        return
    try:
        with transaction.atomic():
            task.gave_up(*result.args_kwargs["args"], reason=reason, **result.args_kwargs["kwargs"])
    except Exception:
        logger.exception("gave_up hook of task %s failed", result.pk)


def _fail_lost(result: Result, now: datetime.datetime) -> str | None:
    with transaction.atomic():
        updated = _running(result).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            return_value=None,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=WorkerLost.REASON,
        )
        if not updated:
            return None
        _store_reason(result, WorkerLost.REASON)
        task = _task_or_none(result)
        if not isinstance(task, ParvisTask):
            return None
        attempt = attempt_of(result.pk)
        if task.retry_on_crash and attempt < task.max_attempts:
            return _enqueue_retry(result, task, attempt, now)
        _give_up(result, task, WorkerLost.REASON)
        return None


def recover_lost_tasks(now: datetime.datetime | None = None) -> list[str]:
    """Fail (and re-enqueue when allowed) the jobs left RUNNING by workers that stopped beating.

    A result is lost when its last worker's heartbeat is older than the stale delay, or when that
    worker has no heartbeat at all and the job started longer ago than that delay. Returns the ids
    of the recovered results. Stale heartbeats are then removed.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.PARVIS_WORKER_STALE_SECONDS)
    beats = dict(WorkerHeartbeat.objects.values_list("worker_id", "last_seen"))
    recovered: list[str] = []
    for result in DBTaskResult.objects.running():
        owner = result.worker_ids[-1] if result.worker_ids else None
        last_seen = beats.get(owner) if owner else None
        if last_seen is not None and last_seen >= cutoff:
            continue
        if last_seen is None and result.started_at and result.started_at >= cutoff:
            continue  # its worker has not beaten yet (or never will); give it the same delay
        retry_id = _fail_lost(result, now)
        recovered.append(str(result.pk))
        logger.warning(
            "task %s lost with worker %s; %s",
            result.pk,
            owner,
            f"re-enqueued as {retry_id}" if retry_id else "not retried",
            extra={"task_id": str(result.pk), "worker_id": owner, "retry_id": retry_id},
        )
    WorkerHeartbeat.objects.filter(last_seen__lt=cutoff).delete()
    return recovered
