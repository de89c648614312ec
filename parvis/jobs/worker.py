"""``parvis worker``: django-tasks-db's worker plus heartbeats, recovery and periodic jobs."""

from __future__ import annotations

import datetime
import logging
import os
import random
import signal
import socket
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from parvis.jobs.errors import PermanentError, TransientError
from parvis.jobs.models import WorkerHeartbeat
from parvis.jobs.outcomes import Result, mark_successful, record_failure, recover_lost_tasks
from parvis.jobs.scheduler import enqueue_due_periodic_jobs, sync_periodic_jobs
from parvis.ops import logcontext

logger = logging.getLogger("parvis.jobs")

EXPECTED_FAILURES = (TransientError, PermanentError, KeyboardInterrupt, SystemExit)


def default_worker_id() -> str:
    """Readable and unique across machines: host name, process id, random suffix."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class Heartbeat:
    """Writes the worker's row from a thread, so that a long job does not look like a crash."""

    def __init__(self, worker_id: str, queues: str, interval: float) -> None:
        self.worker_id = worker_id
        self.queues = queues[:255]
        self.interval = interval
        self.started_at = timezone.now()
        self.current_task_id: str | None = None
        self.last_scheduler_run: datetime.datetime | None = None
        self._stop = threading.Event()
        self._nudge = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="heartbeat", daemon=True)

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "queues": self.queues,
                "started_at": self.started_at,
                "last_seen": timezone.now(),
                "current_task_id": self.current_task_id,
                "last_scheduler_run": self.last_scheduler_run,
            },
        )

    def start(self) -> None:
        self.beat()  # before the first claim: a running job always has a heartbeat to check
        self._thread.start()

    def nudge(self) -> None:
        """Beat now rather than at the next tick (the current task changed)."""
        self._nudge.set()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._nudge.wait(self.interval)
                self._nudge.clear()
                if self._stop.is_set():
                    break
                try:
                    self.beat()
                except Exception:
                    logger.exception("heartbeat of worker %s failed", self.worker_id)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._nudge.set()
        self._thread.join(timeout=30)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class ParvisWorker(Worker):
    """Claims and runs jobs like django-tasks-db's worker, and adds what Parvis needs.

    Each loop also runs, every few seconds, the periodic-job scheduler and, less often, the
    recovery of jobs left RUNNING by dead workers. SIGTERM/SIGINT finish the current job.
    """

    def __init__(self, *, heartbeat: float = 5.0, scheduler: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.heartbeat = Heartbeat(self.worker_id, ",".join(self.queue_names), heartbeat)
        self.scheduler = scheduler
        self.maintenance_every = heartbeat
        self.recovery_every = max(heartbeat, settings.PARVIS_WORKER_STALE_SECONDS / 4)
        self._next_maintenance = 0.0
        self._next_recovery = 0.0
        self._wake = threading.Event()

    # --- signals ---------------------------------------------------------------------------
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        name = signal.strsignal(signum)
        if not self.running:
            logger.warning("%s again: interrupting the current task", name)
            self.reset_signals()
            if self.running_task:
                raise SystemExit(1)
            return
        logger.warning("%s: stopping after the current task", name)
        self.running = False
        self._wake.set()

    # --- main loop -------------------------------------------------------------------------
    def run(self) -> None:
        logger.info(
            "worker %s started (queues %s)",
            self.worker_id,
            ",".join(self.queue_names),
            extra={"worker_id": self.worker_id},
        )
        self.heartbeat.start()
        try:
            if self.scheduler:
                sync_periodic_jobs()
            if self.startup_delay and self.interval:
                self._wake.wait(random.random())  # noqa: S311 — spreads a thundering herd
            self._loop()
        finally:
            self.heartbeat.stop()
            logger.info("worker %s stopped", self.worker_id, extra={"worker_id": self.worker_id})

    def _loop(self) -> None:
        while self.running:
            close_old_connections()
            self.maintenance()
            claimed, result = self.claim()
            if result is not None:
                self.run_task(result)
            if self.batch and claimed and result is None:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and result is None:
                self._wake.wait(self.interval)

    def claim(self) -> tuple[bool, Result | None]:
        """Claim the next ready job (same query and locking as django-tasks-db)."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                result = tasks.get_locked()
                if result is not None:
                    result.claim(self.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                return False, None
            raise
        return True, result

    def maintenance(self) -> None:
        """Periodic jobs and recovery; an error here is logged, never fatal to the worker."""
        now = time.monotonic()
        if now < self._next_maintenance:
            return
        self._next_maintenance = now + self.maintenance_every
        try:
            if self.scheduler:
                enqueue_due_periodic_jobs()
                self.heartbeat.last_scheduler_run = timezone.now()
            if now >= self._next_recovery:
                self._next_recovery = now + self.recovery_every
                recover_lost_tasks()
        except OperationalError as error:
            if not is_locked_database_exception(error):
                logger.exception("worker maintenance failed")
        except Exception:
            logger.exception("worker maintenance failed")

    # --- one job ---------------------------------------------------------------------------
    def run_task(self, db_task_result: Result) -> None:
        task_id = str(db_task_result.pk)
        fields = {
            "task_id": task_id,
            "task_path": db_task_result.task_path,
            "queue": db_task_result.queue_name,
            "worker_id": self.worker_id,
        }
        self.running_task = True
        self.heartbeat.current_task_id = task_id
        self.heartbeat.nudge()
        started = time.monotonic()
        logger.info("task %s started (%s)", task_id, db_task_result.task_path, extra=fields)
        try:
            with logcontext.bound(logcontext.task_id, task_id):
                self._execute(db_task_result)
            duration = round(time.monotonic() - started, 3)
            logger.info(
                "task %s succeeded in %.3f s",
                task_id,
                duration,
                extra={**fields, "duration_s": duration, "outcome": "succeeded"},
            )
        except BaseException as exc:
            duration = round(time.monotonic() - started, 3)
            retry_id = record_failure(db_task_result, exc)
            self._send_finished(db_task_result)
            logger.warning(
                "task %s failed in %.3f s: %s%s",
                task_id,
                duration,
                exc,
                f" (retry {retry_id})" if retry_id else "",
                # A traceback only for the unexpected: declared errors say enough.
                exc_info=not isinstance(exc, EXPECTED_FAILURES),
                extra={**fields, "duration_s": duration, "outcome": "failed", "retry_id": retry_id},
            )
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
        finally:
            self.running_task = False
            self.heartbeat.current_task_id = None
            self.heartbeat.nudge()
            self._run_tasks += 1

    def _execute(self, db_task_result: Result) -> None:
        from django_tasks import TaskContext

        task = db_task_result.task
        task_result = db_task_result.task_result
        sender = type(task.get_backend())
        task_started.send(sender=sender, task_result=task_result)
        if task.takes_context:
            value = task.call(
                TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
            )
        else:
            value = task.call(*task_result.args, **task_result.kwargs)
        if not mark_successful(db_task_result, value):
            logger.warning("task %s finished after being recovered as lost", db_task_result.pk)
        self._send_finished(db_task_result)

    @staticmethod
    def _send_finished(db_task_result: Result) -> None:
        try:
            db_task_result.refresh_from_db()
            task_finished.send(
                sender=type(db_task_result.task.get_backend()),
                task_result=db_task_result.task_result,
            )
        except Exception:
            logger.exception("task_finished signal failed for %s", db_task_result.pk)
