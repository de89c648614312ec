"""What every versioned record of the strategy shares: the next number, taken once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

T = TypeVar("T")


def write_version(write: Callable[[], T], attempts: int = 3) -> T:
    """``write()`` in one transaction; run again when another writer took its number first
    (the unique constraint on the version number refused it), so that neither change is lost."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")
