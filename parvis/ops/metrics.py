"""/metrics: request counters from the middleware, queue and workers read from the database.

Request metrics live in each web process. With several gunicorn processes, set
``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's own variable; ``parvis run`` does) so that
every process writes its counters to files the scrape aggregates. Queue depth, task ages and
workers are computed from the database at scrape time, so every process answers the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from parvis.ops import health

REQUESTS = Counter("parvis_http_requests_total", "HTTP requests answered.", ["method", "status"])
REQUEST_DURATION = Histogram(
    "parvis_http_request_duration_seconds",
    "Time spent answering HTTP requests.",
    ["method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(method: str, status: int, seconds: float) -> None:
    # Unknown methods are folded together: label values must stay a small set.
    label = method if method in KNOWN_METHODS else "OTHER"
    REQUESTS.labels(label, str(status)).inc()
    REQUEST_DURATION.labels(label, str(status)).observe(seconds)


class DatabaseCollector(Collector):
    """Queue and worker figures, queried when Prometheus scrapes."""

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "parvis_tasks", "Task results by queue and status.", labels=["queue", "status"]
        )
        for (queue, status), count in sorted(health.queue_depths().items()):
            depth.add_metric([queue, status], count)
        yield depth
        oldest = GaugeMetricFamily(
            "parvis_tasks_oldest_ready_age_seconds",
            "Age of the oldest task ready to run, per queue.",
            labels=["queue"],
        )
        for queue, age in sorted(health.oldest_ready_age().items()):
            oldest.add_metric([queue], age)
        yield oldest
        state = health.worker_state()
        yield GaugeMetricFamily(
            "parvis_workers_alive", "Workers that beat within the stale delay.", value=state.alive
        )
        if state.last_heartbeat_age is not None:
            yield GaugeMetricFamily(
                "parvis_worker_last_heartbeat_age_seconds",
                "Seconds since the most recent worker heartbeat.",
                value=state.last_heartbeat_age,
            )


def render() -> bytes:
    """The exposition text: a fresh registry per scrape (nothing shared between threads)."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(REQUESTS)
        registry.register(REQUEST_DURATION)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
