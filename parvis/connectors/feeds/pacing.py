"""When a source is fetched next: plain functions on plain data, no Django, no network.

A source is never fetched more often than every ``MIN_INTERVAL``; by default every
``DEFAULT_INTERVAL``; a longer ``Cache-Control: max-age`` is honoured up to ``MAX_CACHE_WAIT``
(static servers often announce a year for every file); ``Retry-After`` is honoured up to
``MAX_WAIT``. A failing source is tried again later and later: 15 minutes, 30, 1 hour… one day.
"""

from __future__ import annotations

import datetime as dt
import math

MIN_INTERVAL = dt.timedelta(minutes=10)
DEFAULT_INTERVAL = dt.timedelta(minutes=15)
MAX_CACHE_WAIT = dt.timedelta(hours=6)
MAX_WAIT = dt.timedelta(hours=24)
# A source whose fetch is enqueued is not due again for this long, unless the fetch ends first
# (it always does, unless its worker died and the job was lost).
IN_FLIGHT_LEASE = dt.timedelta(hours=1)


def _clamp(value: dt.timedelta, low: dt.timedelta, high: dt.timedelta) -> dt.timedelta:
    return max(low, min(high, value))


def _seconds(value: float | None) -> dt.timedelta | None:
    if value is None or math.isnan(value) or value < 0:  # NaN or negative: not said
        return None
    return dt.timedelta(seconds=min(value, MAX_WAIT.total_seconds()))


def after_success(
    now: dt.datetime, *, max_age: float | None = None, retry_after: float | None = None
) -> dt.datetime:
    """The next fetch after a fetch that worked (new document or 304)."""
    wait = DEFAULT_INTERVAL
    cached = _seconds(max_age)
    if cached is not None:
        wait = _clamp(cached, MIN_INTERVAL, MAX_CACHE_WAIT)
    asked = _seconds(retry_after)
    if asked is not None:
        wait = max(wait, asked)
    return now + _clamp(wait, MIN_INTERVAL, MAX_WAIT)


def retry_wait(retry_after: float | None) -> float | None:
    """The Retry-After worth passing to the jobs layer: capped at ``MAX_WAIT``."""
    asked = _seconds(retry_after)
    return None if asked is None else asked.total_seconds()


def after_failure(
    now: dt.datetime, *, failures: int, retry_after: float | None = None
) -> dt.datetime:
    """The next regular fetch after ``failures`` failures in a row (1 for the first).

    Always later than a retry the jobs layer may have scheduled (its back-off is capped below
    ``DEFAULT_INTERVAL``; a Retry-After is followed by ``MIN_INTERVAL`` more), so that the
    periodic scan and a pending retry do not fetch the same source twice in a row.
    """
    exponent = max(0, min(failures - 1, 16))
    wait = min(MAX_WAIT, DEFAULT_INTERVAL * (1 << exponent))
    asked = _seconds(retry_after)
    if asked is not None:
        wait = max(wait, asked + MIN_INTERVAL)
    return now + wait
