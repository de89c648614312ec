"""Rate-limit and Retry-After headers, as Mastodon and Bluesky send them."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.core.http.ratelimit import (
    RateLimit,
    parse_rate_limit,
    parse_retry_after,
    retry_delay,
)

NOW = dt.datetime(2025, 3, 14, 13, 0, tzinfo=dt.UTC)


def test_mastodon_headers_with_an_iso_8601_reset():
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "2025-03-14T13:05:00.123456Z",
    }
    rate_limit = parse_rate_limit(headers, NOW)
    assert rate_limit == RateLimit(
        limit=300,
        remaining=0,
        reset_at=dt.datetime(2025, 3, 14, 13, 5, 0, 123456, tzinfo=dt.UTC),
    )
    assert rate_limit.exhausted
    assert rate_limit.seconds_until_reset(NOW) == pytest.approx(300.123456)


def test_bluesky_headers_with_an_epoch_reset_in_lower_case():
    reset = int(NOW.timestamp()) + 120
    headers = {
        "ratelimit-limit": "3000",
        "ratelimit-remaining": "2999",
        "ratelimit-reset": str(reset),
        "ratelimit-policy": "3000;w=300",
    }
    rate_limit = parse_rate_limit(headers, NOW)
    assert rate_limit == RateLimit(
        limit=3000, remaining=2999, reset_at=NOW + dt.timedelta(seconds=120)
    )
    assert not rate_limit.exhausted


def test_a_small_numeric_reset_is_a_delay_in_seconds():
    rate_limit = parse_rate_limit({"RateLimit-Remaining": "0", "RateLimit-Reset": "30"}, NOW)
    assert rate_limit is not None
    assert rate_limit.reset_at == NOW + dt.timedelta(seconds=30)


def test_policy_parameters_after_the_limit_are_ignored():
    rate_limit = parse_rate_limit({"RateLimit-Limit": "100;w=60"}, NOW)
    assert rate_limit == RateLimit(limit=100, remaining=None, reset_at=None)


def test_no_header_means_no_rate_limit():
    assert parse_rate_limit({"Content-Type": "text/html"}, NOW) is None


def test_garbage_values_are_ignored():
    rate_limit = parse_rate_limit({"X-RateLimit-Remaining": "lots", "X-RateLimit-Reset": "?"})
    assert rate_limit is None


def test_retry_after_in_seconds_and_as_an_http_date():
    assert parse_retry_after("7", NOW) == 7
    assert parse_retry_after("Fri, 14 Mar 2025 13:00:42 GMT", NOW) == 42
    assert parse_retry_after("Fri, 14 Mar 2025 12:00:00 GMT", NOW) == 0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_retry_delay_prefers_retry_after_then_an_exhausted_quota():
    assert retry_delay({"Retry-After": "3", "X-RateLimit-Remaining": "0"}, NOW) == 3
    exhausted = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2025-03-14T13:00:10Z"}
    assert retry_delay(exhausted, NOW) == 10
    assert retry_delay({"X-RateLimit-Remaining": "5"}, NOW) is None
