from __future__ import annotations

import random

import pytest

from parvis.jobs.backoff import Backoff, retry_delay


def test_the_delay_doubles_with_each_attempt_without_jitter():
    backoff = Backoff(base=10, factor=2, cap=1000, jitter=0)
    assert [backoff.delay(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_the_delay_is_capped_even_for_huge_attempt_numbers():
    backoff = Backoff(base=10, cap=300, jitter=0)
    assert backoff.delay(9) == 300
    assert backoff.delay(10_000) == 300


def test_jitter_spreads_the_delay_below_its_nominal_value():
    backoff = Backoff(base=100, cap=1000, jitter=0.5)
    rng = random.Random(4)
    delays = [backoff.delay(1, rng) for _ in range(200)]
    assert all(50 <= delay <= 100 for delay in delays)
    assert max(delays) - min(delays) > 25  # actually spread, not constant


def test_the_remote_retry_after_wins_over_the_backoff():
    backoff = Backoff(base=10, jitter=0)
    assert retry_delay(3, backoff, retry_after=7) == 7
    assert retry_delay(3, backoff, retry_after=None) == 40
    assert retry_delay(1, backoff, retry_after=-5) == 0


@pytest.mark.parametrize(
    "kwargs", [{"base": 0}, {"factor": 0.5}, {"base": 10, "cap": 5}, {"jitter": 2}]
)
def test_nonsensical_backoffs_are_refused(kwargs):
    with pytest.raises(ValueError, match="backoff"):
        Backoff(**kwargs)


def test_attempts_are_numbered_from_one():
    with pytest.raises(ValueError, match="start at 1"):
        Backoff().delay(0)
