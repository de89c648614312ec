from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from parvis.jobs.models import WorkerHeartbeat
from parvis.jobs.tests import tasks

pytestmark = pytest.mark.django_db


def test_with_a_token_the_bearer_header_is_required_even_from_loopback(client, settings):
    settings.PARVIS_METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic s3cret-token").status_code == 403
    response = client.get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token", REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")


def test_without_a_token_only_loopback_clients_may_read(client, settings):
    settings.PARVIS_METRICS_TOKEN = None
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_metrics_show_queue_depth_ages_workers_and_requests(client, settings):
    settings.PARVIS_METRICS_TOKEN = None
    tasks.succeed.using(queue_name="publish").enqueue(1)
    tasks.succeed.using(queue_name="publish").enqueue(2)
    tasks.succeed.enqueue(3)
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=1, started_at=now, last_seen=now
    )
    client.get("/healthz")

    text = client.get("/metrics").content.decode()

    assert 'parvis_tasks{queue="publish",status="READY"} 2.0' in text
    assert 'parvis_tasks{queue="default",status="READY"} 1.0' in text
    assert 'parvis_tasks{queue="ingest",status="READY"} 0.0' in text  # empty queues show 0
    assert 'parvis_tasks_oldest_ready_age_seconds{queue="publish"}' in text
    assert "parvis_workers_alive 1.0" in text
    assert 'parvis_http_requests_total{method="GET",status="200"}' in text
    assert (
        'parvis_http_request_duration_seconds_bucket{le="0.01",method="GET",status="200"}' in text
    )


def test_the_oldest_ready_age_counts_from_when_a_deferred_task_became_due(client):
    later = timezone.now() + datetime.timedelta(hours=1)
    tasks.succeed.using(run_after=later, queue_name="reports").enqueue(1)
    text = client.get("/metrics").content.decode()
    assert 'oldest_ready_age_seconds{queue="reports"}' not in text  # not ready yet
