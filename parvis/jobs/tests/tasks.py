"""Tasks used by the tests; the worker subprocesses import them by path."""

from __future__ import annotations

import time

from django.db import connection
from django_tasks import TaskContext, task

from parvis.jobs.api import parvis_task
from parvis.jobs.backoff import Backoff
from parvis.jobs.errors import PermanentError, TransientError

PROBE_TABLE = "parvis_test_job_probe"


def record(job: int, worker: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {PROBE_TABLE} (job, worker) VALUES (%s, %s)", [job, worker])  # noqa: S608


@parvis_task(retry_on_crash=True, max_attempts=3)
def sleep_retryable(seconds: float) -> None:
    time.sleep(seconds)


@parvis_task(retry_on_crash=False)
def sleep_once(seconds: float) -> None:
    time.sleep(seconds)


GAVE_UP: list[tuple[tuple[object, ...], str]] = []  # (arguments, reason) of each hook call


def note_gave_up(*args: object, reason: str) -> None:
    GAVE_UP.append((args, reason))


@parvis_task(max_attempts=3, backoff=Backoff(base=30, cap=600, jitter=0), gave_up=note_gave_up)
def fail_transiently(retry_after: float | None = None) -> None:
    raise TransientError("le réseau ne répond pas", retry_after=retry_after)


@parvis_task(max_attempts=3)
def fail_permanently() -> None:
    raise PermanentError("jeton révoqué")


@parvis_task(max_attempts=3)
def fail_with_bug() -> None:
    raise ZeroDivisionError("division by zero")


@parvis_task()
def succeed(value: int) -> int:
    return value * 2


@task(takes_context=True)
def probe(context: TaskContext, job: int) -> None:
    """Records which worker ran which job; a duplicate run would leave two rows."""
    time.sleep(0.01)
    record(job, context.task_result.worker_ids[-1])


@task(takes_context=True)
def periodic_probe(context: TaskContext) -> None:
    record(-1, context.task_result.worker_ids[-1])
