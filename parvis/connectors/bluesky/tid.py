"""Timestamp identifiers (TID), the record keys of posts, likes, reposts and follows.

A TID is a 64-bit integer written as 13 characters of "base32-sortable": the top bit is
zero, then 53 bits of microseconds since the Unix epoch, then a 10-bit clock identifier.

Parvis derives the key of what it writes from an idempotency key instead of the clock, so
that a retry after a crash asks for the very record it may already have written: SHA-256 of
the key gives the clock identifier (10 bits) and a moment inside a fixed window in the past
(2^45 µs, about 407 days from 2023-06-01). 55 bits of hash: two keys meet with a probability
of about n²/2^56, negligible for the posts of one account. Nothing in the network orders posts
by their key (the AppView sorts by ``createdAt`` and indexing time), so a past moment is
harmless; a future one would sort before real posts in tools that order by key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
LENGTH = 13
_PATTERN = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_CLOCK_BITS = 10
_WINDOW_START = dt.datetime(2023, 6, 1, tzinfo=dt.UTC)
_WINDOW_MICROSECONDS = 2**45
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def encode(value: int) -> str:
    """The 13-character form of a 63-bit integer."""
    if not 0 <= value < 2**63:
        raise ValueError("a TID is a 63-bit non-negative integer")
    characters = []
    for _ in range(LENGTH):
        characters.append(ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(characters))


def decode(tid: str) -> int:
    if not is_valid(tid):
        raise ValueError(f"not a TID: {tid!r}")
    value = 0
    for character in tid:
        value = (value << 5) | ALPHABET.index(character)
    return value


def is_valid(tid: str) -> bool:
    return bool(_PATTERN.match(tid))


def make(moment: dt.datetime, clock_id: int = 0) -> str:
    """The TID of ``moment`` (aware) with ``clock_id`` (0 to 1023)."""
    if not 0 <= clock_id < 2**_CLOCK_BITS:
        raise ValueError("the clock identifier has 10 bits")
    microseconds = (moment - _EPOCH) // dt.timedelta(microseconds=1)
    return encode((microseconds << _CLOCK_BITS) | clock_id)


def timestamp(tid: str) -> dt.datetime:
    """The moment a TID carries (UTC)."""
    microseconds = decode(tid) >> _CLOCK_BITS
    return _EPOCH + dt.timedelta(microseconds=microseconds)


def derive(key: str) -> str:
    """The TID of an idempotency key: always the same for the same key."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    number = int.from_bytes(digest[:8], "big")
    clock_id = number & (2**_CLOCK_BITS - 1)
    offset = (number >> _CLOCK_BITS) % _WINDOW_MICROSECONDS
    return make(_WINDOW_START + dt.timedelta(microseconds=offset), clock_id)
