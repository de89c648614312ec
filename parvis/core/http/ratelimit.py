"""Rate-limit and Retry-After headers, read into plain data: pure functions, no Django.

Mastodon sends ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (an
ISO-8601 date). Bluesky sends ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset`` (epoch seconds). The IETF draft uses the same ``RateLimit-Reset`` name for a
number of seconds from now: a small number is read that way.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Mapping
from dataclasses import dataclass

# Below this, a numeric reset is a delay in seconds; above, a Unix time (2001-09-09 onwards).
_EPOCH_THRESHOLD = 1_000_000_000


@dataclass(frozen=True)
class RateLimit:
    """What the remote side said about its quota; ``reset_at`` is aware (UTC)."""

    limit: int | None
    remaining: int | None
    reset_at: dt.datetime | None

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining <= 0

    def seconds_until_reset(self, now: dt.datetime | None = None) -> float | None:
        if self.reset_at is None:
            return None
        now = now or dt.datetime.now(dt.UTC)
        return max(0.0, (self.reset_at - now).total_seconds())


def _header(headers: Mapping[str, str], *names: str) -> str | None:
    lowered = {key.lower(): value for key, value in headers.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value is not None and value.strip():
            return value.strip()
    return None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    # "RateLimit-Limit: 3000;w=300" (policy parameters) and "1.0" both occur in the wild.
    head = value.split(";", 1)[0].split(",", 1)[0].strip()
    try:
        return int(float(head))
    except ValueError:
        return None


def _reset(value: str | None, now: dt.datetime) -> dt.datetime | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        pass
    else:
        if number >= _EPOCH_THRESHOLD:
            return dt.datetime.fromtimestamp(number, dt.UTC)
        return now + dt.timedelta(seconds=max(0.0, number))
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return _http_date(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _http_date(value: str) -> dt.datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def parse_rate_limit(
    headers: Mapping[str, str], now: dt.datetime | None = None
) -> RateLimit | None:
    """The rate limit announced by ``headers`` (any letter case), or None when there is none."""
    now = now or dt.datetime.now(dt.UTC)
    limit = _int(_header(headers, "X-RateLimit-Limit", "RateLimit-Limit"))
    remaining = _int(_header(headers, "X-RateLimit-Remaining", "RateLimit-Remaining"))
    reset_at = _reset(_header(headers, "X-RateLimit-Reset", "RateLimit-Reset"), now)
    if limit is None and remaining is None and reset_at is None:
        return None
    return RateLimit(limit=limit, remaining=remaining, reset_at=reset_at)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: a number of seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    moment = _http_date(value)
    if moment is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (moment - now).total_seconds())


def retry_delay(headers: Mapping[str, str], now: dt.datetime | None = None) -> float | None:
    """How long the remote side asks us to wait: Retry-After first, else an exhausted quota."""
    delay = parse_retry_after(_header(headers, "Retry-After"), now)
    if delay is not None:
        return delay
    rate_limit = parse_rate_limit(headers, now)
    if rate_limit is not None and rate_limit.exhausted:
        return rate_limit.seconds_until_reset(now)
    return None
