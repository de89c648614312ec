"""Record keys: valid TIDs, derived the same way every time from an idempotency key."""

from __future__ import annotations

import datetime as dt

import pytest

from parvis.connectors.bluesky import tid


def test_the_unix_epoch_with_clock_zero_is_all_twos() -> None:
    assert tid.make(dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) == "2222222222222"


def test_a_tid_carries_its_moment_and_clock() -> None:
    moment = dt.datetime(2024, 3, 14, 15, 9, 26, 535897, tzinfo=dt.UTC)
    value = tid.make(moment, clock_id=1023)
    assert tid.is_valid(value)
    assert tid.timestamp(value) == moment
    assert tid.decode(value) & 1023 == 1023


def test_tids_sort_as_text_in_time_order() -> None:
    earlier = tid.make(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    later = tid.make(dt.datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=dt.UTC))
    assert earlier < later


def test_the_same_key_always_gives_the_same_tid() -> None:
    assert tid.derive("publication-42") == tid.derive("publication-42")
    assert (
        tid.derive("publication-42") == "3kjtqotqaldj6"
    )  # pinned: changing it breaks retries in flight


def test_different_keys_give_different_tids() -> None:
    keys = [f"publication-{number}" for number in range(5000)]
    assert len({tid.derive(key) for key in keys}) == len(keys)


def test_derived_tids_are_valid_and_in_the_past_window() -> None:
    start = dt.datetime(2023, 6, 1, tzinfo=dt.UTC)
    for key in ("a", "é🎉", "x" * 1000, "thread-7-0", "thread-7-1"):
        value = tid.derive(key)
        assert tid.is_valid(value), value
        assert start <= tid.timestamp(value) < start + dt.timedelta(days=408)


@pytest.mark.parametrize(
    "value",
    ["", "3ksbpn5w6ij5", "3ksbpn5w6ij5ff", "kksbpn5w6ij5f", "3KSBPN5W6IJ5F", "3ksbpn5w6ij1f"],
)
def test_malformed_tids_are_refused(value: str) -> None:
    assert not tid.is_valid(value)
    with pytest.raises(ValueError, match="not a TID"):
        tid.decode(value)


def test_values_beyond_63_bits_cannot_be_encoded() -> None:
    with pytest.raises(ValueError, match="63-bit"):
        tid.encode(2**63)
