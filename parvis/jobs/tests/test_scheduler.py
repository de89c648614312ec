from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parvis.jobs import api
from parvis.jobs.models import PeriodicJob
from parvis.jobs.scheduler import (
    claim_periodic_run,
    enqueue_due_periodic_jobs,
    next_run_after,
    sync_periodic_jobs,
)

PROBE = "parvis.jobs.tests.tasks.periodic_probe"
T0 = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def test_the_next_run_keeps_the_cadence_and_skips_missed_periods():
    assert next_run_after(T0, 600, T0) == T0 + minutes(10)
    assert next_run_after(T0, 600, T0 + minutes(3)) == T0 + minutes(10)
    # Down for 35 minutes: one run now, the next on the original cadence, no burst.
    assert next_run_after(T0, 600, T0 + minutes(35)) == T0 + minutes(40)
    assert next_run_after(T0 + minutes(5), 600, T0) == T0 + minutes(5)


def due_job(name: str = "probe") -> PeriodicJob:
    return PeriodicJob.objects.create(
        name=name, task_path=PROBE, interval_seconds=3600, next_run_at=timezone.now() - minutes(1)
    )


@pytest.mark.django_db
def test_only_the_first_of_two_workers_reading_the_same_due_row_enqueues():
    due_job()
    # Both workers read the row before either claims it.
    seen_by_first, seen_by_second = PeriodicJob.objects.get(), PeriodicJob.objects.get()
    now = timezone.now()

    assert claim_periodic_run(seen_by_first, now) is not None
    assert claim_periodic_run(seen_by_second, now) is None

    assert DBTaskResult.objects.filter(task_path=PROBE).count() == 1
    job = PeriodicJob.objects.get()
    assert job.next_run_at > now
    assert str(job.last_task_id) == str(DBTaskResult.objects.get().pk)


@pytest.mark.django_db
def test_a_due_job_is_enqueued_once_per_period_however_often_the_scheduler_runs():
    due_job()
    assert len(enqueue_due_periodic_jobs()) == 1
    assert enqueue_due_periodic_jobs() == []
    assert enqueue_due_periodic_jobs(timezone.now() + minutes(30)) == []
    assert len(enqueue_due_periodic_jobs(timezone.now() + minutes(61))) == 1
    assert DBTaskResult.objects.filter(task_path=PROBE).count() == 2


@pytest.mark.django_db
def test_disabled_jobs_and_unknown_tasks_are_not_enqueued():
    PeriodicJob.objects.filter(pk=due_job("off").pk).update(enabled=False)
    PeriodicJob.objects.create(
        name="ghost",
        task_path="parvis.jobs.tests.tasks.no_such_task",
        interval_seconds=60,
        next_run_at=timezone.now() - minutes(1),
    )
    assert enqueue_due_periodic_jobs() == []
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_declared_jobs_are_synchronised_and_removed_ones_disabled(monkeypatch):
    monkeypatch.setattr(api, "PERIODIC_JOBS", {"probe": api.PeriodicSpec("probe", PROBE, 300)})
    PeriodicJob.objects.create(
        name="gone", task_path=PROBE, interval_seconds=60, next_run_at=T0, declared_in_code=True
    )
    manual = PeriodicJob.objects.create(
        name="by hand", task_path=PROBE, interval_seconds=60, next_run_at=T0
    )

    sync_periodic_jobs()
    sync_periodic_jobs()  # idempotent

    probe = PeriodicJob.objects.get(name="probe")
    assert (probe.interval_seconds, probe.enabled, probe.declared_in_code) == (300, True, True)
    assert not PeriodicJob.objects.get(name="gone").enabled
    manual.refresh_from_db()
    assert manual.enabled


def test_the_periodic_decorator_registers_the_task(monkeypatch):
    monkeypatch.setattr(api, "PERIODIC_JOBS", {})
    from parvis.jobs.tests import tasks

    api.periodic(every=datetime.timedelta(hours=2))(tasks.periodic_probe)
    assert {PROBE: api.PeriodicSpec(PROBE, PROBE, 7200)} == api.PERIODIC_JOBS
    with pytest.raises(ValueError, match="once a second"):
        api.periodic(every=0)
