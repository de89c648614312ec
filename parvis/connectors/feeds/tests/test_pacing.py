"""When a source is fetched next: never too often, later and later while it fails."""

from __future__ import annotations

import datetime as dt

from parvis.connectors.feeds import pacing

NOW = dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC)


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


def test_a_working_feed_is_fetched_again_after_the_default_interval():
    assert pacing.after_success(NOW) == NOW + pacing.DEFAULT_INTERVAL


def test_a_short_max_age_never_brings_the_next_fetch_under_the_minimum():
    assert pacing.after_success(NOW, max_age=30) == NOW + pacing.MIN_INTERVAL


def test_a_long_max_age_is_honoured_up_to_a_bound():
    assert pacing.after_success(NOW, max_age=3600) == NOW + minutes(60)
    assert pacing.after_success(NOW, max_age=365 * 86400) == NOW + pacing.MAX_CACHE_WAIT


def test_retry_after_on_a_success_is_honoured():
    assert pacing.after_success(NOW, retry_after=7200) == NOW + minutes(120)


def test_failures_push_the_next_fetch_later_and_later_up_to_a_day():
    waits = [pacing.after_failure(NOW, failures=n) - NOW for n in (1, 2, 3, 4)]
    assert waits == [minutes(15), minutes(30), minutes(60), minutes(120)]
    assert pacing.after_failure(NOW, failures=40) - NOW == pacing.MAX_WAIT


def test_after_a_retry_after_the_regular_fetch_comes_after_the_retry():
    assert pacing.after_failure(NOW, failures=1, retry_after=3600) == NOW + minutes(70)
    assert pacing.retry_wait(10 * 86400) == pacing.MAX_WAIT.total_seconds()
    assert pacing.retry_wait(None) is None
    assert pacing.retry_wait(float("nan")) is None
