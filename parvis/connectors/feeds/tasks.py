"""Background work of the feeds: one fetch task per source (by id), and the periodic scan.

``parvis worker`` imports this module (``autodiscover_modules("tasks")``), which registers the
scan with ``@periodic``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone

from parvis.connectors.feeds import fetch, pacing
from parvis.connectors.feeds.models import FeedSource
from parvis.jobs.api import parvis_task, periodic
from parvis.jobs.backoff import Backoff
from parvis.jobs.errors import PermanentError, TransientError

SCAN_EVERY = dt.timedelta(minutes=5)
SCAN_BATCH = 200  # sources enqueued per scan at most; the others wait for the next one

# Retries 30 s to 1 min, then 1.5 to 3 min after a transient failure: always sooner than the
# source's next regular fetch (pacing.after_failure), so that the two never pile up.
RETRY_BACKOFF = Backoff(base=60, factor=3, cap=600)


@parvis_task(queue="ingest", max_attempts=3, retry_on_crash=True, backoff=RETRY_BACKOFF)
def fetch_feed_source(source_id: int, manual: bool = False) -> dict[str, Any]:
    """Fetch one source. The outcome is stored on the source whatever happens; a failure
    also fails the job, so that a transient one is retried with back-off by the jobs layer.
    """
    outcome = fetch.fetch_source(source_id, manual=manual)
    if outcome.failed:
        if outcome.permanent:
            raise PermanentError(outcome.reason)
        raise TransientError(outcome.reason, retry_after=outcome.retry_after)
    return outcome.to_dict()


def enqueue_due(now: dt.datetime | None = None, *, limit: int = SCAN_BATCH) -> list[int]:
    """Enqueue a fetch of every due source, claiming each with a conditional UPDATE.

    The claim moves ``next_fetch_at`` a lease ahead, so that a source is enqueued once even if
    a "fetch now" or another scan reads it at the same time; the fetch then sets the real
    next time. Returns the ids enqueued.
    """
    now = now or timezone.now()
    due = (
        FeedSource.objects.due(now)
        .order_by(F("next_fetch_at").asc(nulls_first=True), "pk")
        .values_list("pk", "next_fetch_at")[:limit]
    )
    enqueued: list[int] = []
    for source_id, next_fetch_at in list(due):
        won = FeedSource.objects.filter(pk=source_id, next_fetch_at=next_fetch_at).update(
            next_fetch_at=now + pacing.IN_FLIGHT_LEASE
        )
        if won:
            fetch_feed_source.enqueue(source_id)
            enqueued.append(source_id)
    return enqueued


@periodic(every=SCAN_EVERY)
@parvis_task(queue="ingest")
def enqueue_due_feed_sources() -> int:
    """Every few minutes: enqueue the fetch of the sources whose time has come."""
    return len(enqueue_due())
