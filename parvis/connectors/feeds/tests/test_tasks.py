"""The fetch task and the periodic scan, run by Parvis's worker in this process."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from parvis.connectors.feeds import pacing, tasks
from parvis.connectors.feeds.models import FeedItem, FeedSource, Health
from parvis.connectors.feeds.tests.conftest import RSS, document
from parvis.core.http.tests.servers import Reply
from parvis.jobs.api import PERIODIC_JOBS
from parvis.jobs.models import TaskAttempt
from parvis.jobs.outcomes import Result
from parvis.jobs.worker import ParvisWorker

pytestmark = pytest.mark.django_db

FETCH = tasks.fetch_feed_source.module_path


def run_next() -> Result:
    """Claim and run the next ready job here, as ``parvis worker`` would."""
    worker = ParvisWorker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="feeds-test",
        scheduler=False,
    )
    _claimed, result = worker.claim()
    assert result is not None, "no ready job"
    worker.run_task(result)
    return DBTaskResult.objects.get(pk=result.pk)


def fetch_jobs() -> list[Result]:
    return list(DBTaskResult.objects.filter(task_path=FETCH).order_by("enqueued_at"))


def test_the_scan_is_a_periodic_job_of_the_ingest_queue():
    spec = PERIODIC_JOBS[tasks.enqueue_due_feed_sources.module_path]
    assert spec.interval_seconds == tasks.SCAN_EVERY.total_seconds()
    assert tasks.fetch_feed_source.queue_name == "ingest"


def test_the_scan_enqueues_each_due_source_once(make_source):
    now = timezone.now()
    never = make_source("https://mairie.test/jamais.xml", "Jamais récupérée")
    due = make_source("https://mairie.test/due.xml", "Due", next_fetch_at=now - dt.timedelta(1))
    make_source(
        "https://mairie.test/plus-tard.xml", "Plus tard", next_fetch_at=now + dt.timedelta(1)
    )
    make_source("https://mairie.test/off.xml", "Désactivée", is_active=False)

    assert sorted(tasks.enqueue_due(now)) == sorted([never.pk, due.pk])
    assert tasks.enqueue_due(now) == []  # claimed: leased until the fetch ends

    assert sorted(job.args_kwargs["args"][0] for job in fetch_jobs()) == sorted([never.pk, due.pk])
    never.refresh_from_db()
    assert never.next_fetch_at == now + pacing.IN_FLIGHT_LEASE
    assert tasks.enqueue_due(now + pacing.IN_FLIGHT_LEASE) == sorted([never.pk, due.pk])


def test_the_scan_is_bounded(make_source):
    for n in range(5):
        make_source(f"https://mairie.test/{n}.xml", f"Source {n}")
    assert len(tasks.enqueue_due(limit=3)) == 3
    assert len(tasks.enqueue_due(limit=3)) == 2


def test_a_500_then_a_success_is_retried_by_the_jobs_layer(feed_server, make_source):
    source = make_source(
        feed_server.serve(
            "/rss.xml", Reply(500), Reply(body=document("ville-actualites.rss"), headers=RSS)
        )
    )
    tasks.fetch_feed_source.enqueue(source.pk)

    failed = run_next()

    assert failed.status == TaskResultStatus.FAILED
    source.refresh_from_db()
    assert source.health == Health.FAILING
    assert "erreur 500" in source.last_error
    [retry] = [job for job in fetch_jobs() if job.status == TaskResultStatus.READY]
    wait = retry.run_after - timezone.now()
    assert dt.timedelta(seconds=20) < wait < dt.timedelta(seconds=61)
    assert source.next_fetch_at > retry.run_after  # the scan will not fetch it meanwhile

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    succeeded = run_next()

    assert succeeded.pk == retry.pk
    assert succeeded.status == TaskResultStatus.SUCCESSFUL
    assert (succeeded.return_value or {})["new_items"] == 4
    assert TaskAttempt.objects.get(result_id=retry.pk).attempt == 2
    source.refresh_from_db()
    assert source.health == Health.OK
    assert FeedItem.objects.filter(source=source).count() == 4


def test_a_retry_after_of_the_server_sets_the_retry_delay(feed_server, make_source):
    source = make_source(feed_server.serve("/rss.xml", Reply(429, headers={"Retry-After": "900"})))
    tasks.fetch_feed_source.enqueue(source.pk)
    run_next()
    [retry] = [job for job in fetch_jobs() if job.status == TaskResultStatus.READY]
    assert dt.timedelta(seconds=890) < retry.run_after - timezone.now() < dt.timedelta(seconds=901)
    source.refresh_from_db()
    assert source.next_fetch_at >= retry.run_after + pacing.MIN_INTERVAL - dt.timedelta(seconds=5)


def test_a_permanent_failure_fails_the_job_once_with_the_reason_on_the_source(
    feed_server, make_source
):
    source = make_source(feed_server.url + "/disparu.xml")
    tasks.fetch_feed_source.enqueue(source.pk)

    failed = run_next()

    assert failed.status == TaskResultStatus.FAILED
    assert "Flux introuvable" in TaskAttempt.objects.get(result_id=failed.pk).reason
    assert [job.status for job in fetch_jobs()] == [TaskResultStatus.FAILED]  # no retry
    source.refresh_from_db()
    assert "Flux introuvable (erreur 404)" in source.last_error


def test_a_cache_max_age_sets_the_next_fetch(feed_server, make_source):
    source = make_source(
        feed_server.serve(
            "/rss.xml",
            Reply(
                body=document("ville-actualites.rss"),
                headers={**RSS, "Cache-Control": "public, max-age=3600"},
            ),
        )
    )
    tasks.fetch_feed_source.enqueue(source.pk)
    before = timezone.now()
    assert run_next().status == TaskResultStatus.SUCCESSFUL
    source.refresh_from_db()
    assert before + dt.timedelta(minutes=59) < source.next_fetch_at
    assert source.next_fetch_at < timezone.now() + dt.timedelta(minutes=61)


def test_the_periodic_job_enqueues_then_the_worker_fetches(feed_server, make_source):
    source = make_source(feed_server.serve_document("/rss.xml", "ville-actualites.rss"))
    tasks.enqueue_due_feed_sources.enqueue()

    assert run_next().return_value == 1
    assert run_next().status == TaskResultStatus.SUCCESSFUL

    assert FeedItem.objects.filter(source=source).count() == 4
    source.refresh_from_db()
    assert source.next_fetch_at is not None
    assert source.next_fetch_at > timezone.now() + pacing.MIN_INTERVAL - dt.timedelta(seconds=5)


def test_a_source_deleted_before_its_fetch_ends_the_job_quietly(make_source):
    source = make_source("https://mairie.test/rss.xml")
    tasks.fetch_feed_source.enqueue(source.pk)
    FeedSource.objects.filter(pk=source.pk).delete()
    result = run_next()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert (result.return_value or {})["status"] == "skipped"
