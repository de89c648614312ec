"""Real ``parvis worker`` processes on the test database (killed by PID at the end)."""

from __future__ import annotations

import datetime
import os
import signal
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from parvis.jobs.conftest import wait_for
from parvis.jobs.errors import WorkerLost
from parvis.jobs.models import PeriodicJob, TaskAttempt, WorkerHeartbeat
from parvis.jobs.outcomes import attempt_of, recover_lost_tasks
from parvis.jobs.tests import tasks


def status_of(result_id: str) -> str:
    return DBTaskResult.objects.get(pk=result_id).status


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_killed_worker_ends_failed_with_a_reason_and_is_reenqueued(start_worker):
    result = tasks.sleep_retryable.enqueue(60)
    doomed = start_worker("doomed")
    wait_for(lambda: status_of(result.id) == TaskResultStatus.RUNNING, 60, "the job to start")
    wait_for(lambda: WorkerHeartbeat.objects.filter(worker_id="doomed").exists(), 10, "a heartbeat")

    os.kill(doomed.pid, signal.SIGKILL)
    doomed.wait(timeout=10)
    assert status_of(result.id) == TaskResultStatus.RUNNING  # nobody knows yet
    assert recover_lost_tasks() == []  # its heartbeat is still fresh
    WorkerHeartbeat.objects.filter(worker_id="doomed").update(
        last_seen=timezone.now() - datetime.timedelta(hours=1)
    )

    assert recover_lost_tasks() == [result.id]

    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == TaskResultStatus.FAILED
    assert lost.exception_class_path == "parvis.jobs.errors.WorkerLost"
    assert lost.traceback == WorkerLost.REASON
    assert lost.worker_ids == ["doomed"]
    retry = DBTaskResult.objects.get(pk=TaskAttempt.objects.get(retry_of=result.id).result_id)
    assert (retry.status, retry.args_kwargs["args"]) == (TaskResultStatus.READY, [60])
    assert attempt_of(retry.pk) == 2
    assert TaskAttempt.objects.get(result_id=uuid.UUID(result.id)).reason == WorkerLost.REASON


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_current_job_finish_then_stops(start_worker):
    result = tasks.sleep_once.enqueue(1.5)
    process = start_worker("polite")
    wait_for(lambda: status_of(result.id) == TaskResultStatus.RUNNING, 60, "the job to start")

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=30) == 0
    assert status_of(result.id) == TaskResultStatus.SUCCESSFUL
    assert not WorkerHeartbeat.objects.filter(worker_id="polite").exists()


def probe_rows() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT job, worker FROM {tasks.PROBE_TABLE}")  # noqa: S608
        return [(job, worker) for job, worker in cursor.fetchall()]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_run_each_job_exactly_once_and_each_period_once(probe_table, start_worker):
    """THE demonstration: two real workers on PostgreSQL share the queue and the scheduler."""
    assert connection.vendor == "postgresql"
    jobs = 200
    start_worker("worker-a")
    start_worker("worker-b")
    wait_for(
        lambda: WorkerHeartbeat.objects.filter(last_scheduler_run__isnull=False).count() == 2,
        60,
        "both workers and their schedulers to start",
    )

    # Periodic jobs that fall due while both schedulers are polling every half second.
    due_at = timezone.now()
    periodic = [
        PeriodicJob.objects.create(
            name=f"probe-{n}",
            task_path="parvis.jobs.tests.tasks.periodic_probe",
            interval_seconds=3600,
            next_run_at=due_at,
        )
        for n in range(5)
    ]
    for job in range(jobs):
        tasks.probe.enqueue(job)

    wait_for(
        lambda: (
            len(probe_rows()) >= jobs + len(periodic)
            and WorkerHeartbeat.objects.filter(last_scheduler_run__gt=due_at).count() == 2
        ),
        120,
        "every job to run and both schedulers to pass the due time",
    )

    rows = probe_rows()
    ran = sorted(job for job, _worker in rows if job >= 0)
    assert ran == list(range(jobs)), "each job ran exactly once"
    workers = {worker for _job, worker in rows}
    assert workers == {"worker-a", "worker-b"}, "both workers took part"
    # The probes only: the schedulers also enqueue Parvis's own periodic jobs (feeds, accounts).
    probes = DBTaskResult.objects.filter(task_path__startswith="parvis.jobs.tests.tasks.")
    assert probes.filter(status=TaskResultStatus.SUCCESSFUL).count() == jobs + 5
    assert all(len(r.worker_ids) == 1 for r in DBTaskResult.objects.all())

    # Each periodic job was enqueued (and run) exactly once for its period.
    assert sum(1 for job, _worker in rows if job == -1) == len(periodic)
    enqueued = DBTaskResult.objects.filter(task_path="parvis.jobs.tests.tasks.periodic_probe")
    assert enqueued.count() == len(periodic)
    for row in periodic:
        row.refresh_from_db()
        assert row.next_run_at == due_at + datetime.timedelta(hours=1)
        assert row.last_task_id is not None
        assert enqueued.filter(pk=row.last_task_id).exists()
