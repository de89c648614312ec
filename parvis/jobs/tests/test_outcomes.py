from __future__ import annotations

import datetime
import logging
from contextlib import suppress

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from parvis.jobs.api import enqueue_after_commit
from parvis.jobs.errors import WorkerLost
from parvis.jobs.models import TaskAttempt, WorkerHeartbeat
from parvis.jobs.outcomes import Result, attempt_of, recover_lost_tasks
from parvis.jobs.tests import tasks
from parvis.jobs.worker import ParvisWorker


def worker(worker_id: str = "test-worker") -> ParvisWorker:
    return ParvisWorker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        scheduler=False,
    )


def run_next() -> Result:
    """Claim and run the next ready job in this process, as ``parvis worker`` would."""
    the_worker = worker()
    _claimed, result = the_worker.claim()
    assert result is not None, "no ready job"
    the_worker.run_task(result)
    return DBTaskResult.objects.get(pk=result.pk)


def retries_of(result: Result) -> list[Result]:
    ids = TaskAttempt.objects.filter(retry_of=result.pk).values_list("result_id", flat=True)
    return list(DBTaskResult.objects.filter(pk__in=list(ids)))


def reason_of(result: Result) -> str:
    return TaskAttempt.objects.get(result_id=result.pk).reason


@pytest.mark.django_db
def test_a_successful_job_stores_its_return_value():
    tasks.succeed.enqueue(21)
    result = run_next()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42


@pytest.mark.django_db
def test_a_transient_error_fails_the_attempt_and_enqueues_a_retry_with_backoff():
    tasks.fail_transiently.enqueue()
    before = timezone.now()

    failed = run_next()

    assert failed.status == TaskResultStatus.FAILED
    assert reason_of(failed) == "TransientError: le réseau ne répond pas"
    [retry] = retries_of(failed)
    assert retry.status == TaskResultStatus.READY
    assert attempt_of(retry.pk) == 2
    # Backoff(base=30, jitter=0): the first retry waits 30 seconds.
    assert before + datetime.timedelta(seconds=29) < retry.run_after
    assert retry.run_after < timezone.now() + datetime.timedelta(seconds=31)
    assert retry.task_path == failed.task_path


@pytest.mark.django_db
def test_retry_after_from_the_remote_side_takes_precedence():
    tasks.fail_transiently.enqueue(5)
    [retry] = retries_of(run_next())
    assert retry.run_after < timezone.now() + datetime.timedelta(seconds=6)
    assert retry.args_kwargs["args"] == [5]


@pytest.mark.django_db
def test_after_max_attempts_the_job_stays_failed_with_the_last_reason():
    tasks.GAVE_UP.clear()
    tasks.fail_transiently.enqueue(7.0)
    for _attempt in range(3):
        assert tasks.GAVE_UP == []  # not while a retry is left
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
            run_after=timezone.now() - datetime.timedelta(seconds=1)
        )
        last = run_next()
    # The task's hook hears of it once, with the job's arguments and the last reason.
    assert tasks.GAVE_UP == [((7.0,), "TransientError: le réseau ne répond pas")]
    assert attempt_of(last.pk) == 3
    assert retries_of(last) == []
    assert reason_of(last) == "TransientError: le réseau ne répond pas"
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task", "reason"),
    [
        (tasks.fail_permanently, "PermanentError: jeton révoqué"),
        (tasks.fail_with_bug, "ZeroDivisionError: division by zero"),
    ],
)
def test_any_other_error_fails_the_job_at_once_with_its_reason(task, reason):
    task.enqueue()
    failed = run_next()
    assert failed.status == TaskResultStatus.FAILED
    assert reason_of(failed) == reason
    assert reason.split(":")[0] in failed.exception_class_path
    assert retries_of(failed) == []
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_enqueues_only_once_the_transaction_commits():
    with transaction.atomic():
        enqueue_after_commit(tasks.succeed, 1)
        assert not DBTaskResult.objects.exists()
    [result] = DBTaskResult.objects.all()
    assert result.args_kwargs == {"args": [1], "kwargs": {}}


@pytest.mark.django_db(transaction=True)
def test_enqueue_after_commit_enqueues_nothing_on_rollback():
    with suppress(RuntimeError), transaction.atomic():
        enqueue_after_commit(tasks.succeed, 1)
        raise RuntimeError
    assert not DBTaskResult.objects.exists()


def test_enqueue_after_commit_takes_ids_not_objects():
    with pytest.raises(TypeError, match="JSON scalars"):
        enqueue_after_commit(tasks.succeed, object())  # type: ignore[arg-type]


# --- Recovery of jobs left running by a dead worker ------------------------------------------
def running(task, worker_id: str, *args, started_ago: int = 0) -> Result:
    result = DBTaskResult.objects.get(pk=task.enqueue(*args).id)
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - datetime.timedelta(seconds=started_ago)
    )
    return result


def heartbeat(worker_id: str, seconds_ago: int) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="test",
        pid=1,
        started_at=now - datetime.timedelta(hours=1),
        last_seen=now - datetime.timedelta(seconds=seconds_ago),
    )


@pytest.mark.django_db
def test_jobs_of_a_stale_worker_fail_with_a_reason_and_only_retryable_ones_are_reenqueued():
    heartbeat("dead", seconds_ago=600)
    retryable = running(tasks.sleep_retryable, "dead", 1)
    once = running(tasks.sleep_once, "dead", 1)

    assert sorted(recover_lost_tasks()) == sorted([str(retryable.pk), str(once.pk)])

    for result in (retryable, once):
        result.refresh_from_db()
        assert result.status == TaskResultStatus.FAILED
        assert result.exception_class_path == "parvis.jobs.errors.WorkerLost"
        assert reason_of(result) == WorkerLost.REASON
    [retry] = retries_of(retryable)
    assert (retry.status, retry.args_kwargs["args"], attempt_of(retry.pk)) == ("READY", [1], 2)
    assert retries_of(once) == []
    assert not WorkerHeartbeat.objects.exists()  # the dead worker's row is cleared


@pytest.mark.django_db
def test_jobs_of_live_or_just_started_workers_are_left_alone():
    heartbeat("alive", seconds_ago=1)
    of_live = running(tasks.sleep_retryable, "alive", 1, started_ago=3600)
    of_new = running(tasks.sleep_retryable, "not-yet-beating", 1, started_ago=5)
    of_vanished = running(tasks.sleep_retryable, "vanished", 1, started_ago=3600)

    assert recover_lost_tasks() == [str(of_vanished.pk)]
    for result in (of_live, of_new):
        result.refresh_from_db()
        assert result.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_job_that_keeps_killing_its_worker_stops_after_max_attempts():
    heartbeat("dead", seconds_ago=600)
    result = running(tasks.sleep_retryable, "dead", 1)
    TaskAttempt.objects.create(result_id=result.pk, attempt=3)
    recover_lost_tasks()
    assert retries_of(result) == []


@pytest.mark.django_db
def test_a_result_recovered_meanwhile_is_not_overwritten_by_its_slow_worker():
    tasks.sleep_retryable.enqueue(0)
    the_worker = worker()
    _claimed, result = the_worker.claim()
    assert result is not None
    DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.FAILED)
    the_worker.run_task(result)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_the_worker_logs_start_end_and_failure_with_task_id_and_duration(caplog):
    ok = tasks.succeed.enqueue(1)
    bad = tasks.fail_permanently.enqueue()
    with caplog.at_level(logging.INFO, logger="parvis.jobs"):
        run_next()
        run_next()
    records = {
        (r.task_id, getattr(r, "outcome", "started")): r
        for r in caplog.records
        if hasattr(r, "task_id")
    }
    assert {(ok.id, "started"), (ok.id, "succeeded"), (bad.id, "failed")} <= set(records)
    assert records[ok.id, "succeeded"].duration_s >= 0
    assert records[bad.id, "failed"].task_path.endswith("fail_permanently")
    assert records[bad.id, "failed"].levelname == "WARNING"
