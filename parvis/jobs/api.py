"""What the rest of Parvis uses to declare and enqueue background work.

Tasks take ids (JSON scalars), never model objects, and are enqueued once the transaction that
wrote the rows they read has committed. The worker (``parvis worker``) reads the retry policy
from the task object itself.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django_tasks import DEFAULT_TASK_QUEUE_NAME
from django_tasks.base import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_PRIORITY, Task
from typing_extensions import ParamSpec

from parvis.jobs.backoff import Backoff

P = ParamSpec("P")
T = TypeVar("T")

JSON_SCALARS = (str, int, float, bool, type(None))


@dataclass(frozen=True, slots=True, kw_only=True)
class ParvisTask(Task[P, T]):
    """A django-tasks task that also carries Parvis's retry policy.

    ``max_attempts`` bounds every kind of retry (transient errors and crashes together);
    ``retry_on_crash`` says the job is idempotent enough to run again after its worker died.
    ``gave_up(*args, reason=…)`` is called with the job's arguments when it ends failed with
    no retry left: what the job stood for can then be marked failed where people see it.
    """

    retry_on_crash: bool = False
    max_attempts: int = 5
    backoff: Backoff = field(default_factory=Backoff)
    gave_up: Callable[..., object] | None = None


def parvis_task(
    *,
    queue: str = DEFAULT_TASK_QUEUE_NAME,
    retry_on_crash: bool = False,
    max_attempts: int = 5,
    backoff: Backoff | None = None,
    priority: int = DEFAULT_TASK_PRIORITY,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
    gave_up: Callable[..., object] | None = None,
) -> Callable[[Callable[P, T]], ParvisTask[P, T]]:
    """Declare a background task: ``@parvis_task(queue="publish", retry_on_crash=True)``."""
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def wrapper(function: Callable[P, T]) -> ParvisTask[P, T]:
        return ParvisTask(
            func=function,
            queue_name=queue,
            priority=priority,
            backend=backend,
            retry_on_crash=retry_on_crash,
            max_attempts=max_attempts,
            backoff=backoff or Backoff(),
            gave_up=gave_up,
        )

    return wrapper


def enqueue_after_commit(task: Task[..., Any], *ids: str | int | float | bool | None) -> None:
    """Enqueue ``task(*ids)`` when the current transaction commits (never on rollback)."""
    for value in ids:
        if not isinstance(value, JSON_SCALARS):
            raise TypeError(
                f"task arguments must be ids or JSON scalars, not {type(value).__name__}"
            )
    arguments = tuple(ids)
    transaction.on_commit(lambda: task.enqueue(*arguments))


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    task_path: str
    interval_seconds: int


PERIODIC_JOBS: dict[str, PeriodicSpec] = {}


def periodic(
    every: datetime.timedelta | int, *, name: str | None = None
) -> Callable[[Task[P, T]], Task[P, T]]:
    """Enqueue a task (taking no arguments) once per period, whatever the number of workers.

    Put it above the task decorator: ``@periodic(every=timedelta(hours=1))``.
    """
    seconds = int(every.total_seconds()) if isinstance(every, datetime.timedelta) else int(every)
    if seconds < 1:
        raise ValueError("periodic jobs run at most once a second")

    def register(task: Task[P, T]) -> Task[P, T]:
        key = name or task.module_path
        PERIODIC_JOBS[key] = PeriodicSpec(key, task.module_path, seconds)
        return task

    return register
