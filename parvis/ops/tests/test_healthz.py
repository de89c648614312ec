from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from parvis.jobs.models import WorkerHeartbeat
from parvis.jobs.tests import tasks

pytestmark = pytest.mark.django_db


def beat(seconds_ago: float) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=f"w-{seconds_ago}",
        hostname="machine-1",
        pid=42,
        started_at=now - datetime.timedelta(hours=1),
        last_seen=now - datetime.timedelta(seconds=seconds_ago),
    )


def test_healthy_when_the_database_answers_and_a_worker_beats(client):
    beat(seconds_ago=3)
    tasks.succeed.enqueue(1)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["worker"]["status"] == "ok"
    assert 2 <= body["worker"]["last_heartbeat_age_seconds"] < 10
    assert body["queue"] == {"ready": 1}
    assert body["problems"] == []
    assert "machine-1" not in response.content.decode()  # no host names, no ids


def test_unhealthy_without_any_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["status"] == "absent"
    assert response.json()["problems"] == ["worker_absent"]


def test_unhealthy_when_the_last_worker_heartbeat_is_stale(client, settings):
    settings.PARVIS_WORKER_STALE_SECONDS = 60
    beat(seconds_ago=300)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["worker"]["status"] == "stale"
    assert body["worker"]["last_heartbeat_age_seconds"] >= 300
    assert body["problems"] == ["worker_stale"]


def test_unhealthy_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr("parvis.ops.health.database_ok", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
    assert response.json()["problems"] == ["database"]


def test_no_worker_is_needed_when_jobs_run_inside_requests(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "not_required"
