"""Retry delays: exponential, capped, with jitter (plain functions, no Django)."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Backoff:
    """Delay before attempt ``n + 1`` is ``base * factor ** (n - 1)``, capped, then jittered.

    Full jitter would spread retries the most, but a floor keeps a retry from firing at once
    after a rate limit; ``jitter`` is the share of the delay that is randomised.
    """

    base: float = 10.0
    factor: float = 2.0
    cap: float = 3600.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.base <= 0 or self.factor < 1 or self.cap < self.base:
            raise ValueError("backoff: need base > 0, factor >= 1, cap >= base")
        if not 0 <= self.jitter <= 1:
            raise ValueError("backoff: jitter is a share between 0 and 1")

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after the failure of attempt number ``attempt`` (1 for the first)."""
        if attempt < 1:
            raise ValueError("attempt numbers start at 1")
        # Compare exponents rather than computing a huge power for large attempt numbers.
        raw = self.cap
        if attempt < 64:
            raw = min(self.cap, self.base * self.factor ** (attempt - 1))
        spread = raw * self.jitter
        draw = (rng or random).random()  # jitter, not cryptography
        return raw - spread + spread * draw


def retry_delay(
    attempt: int, backoff: Backoff, retry_after: float | None, rng: random.Random | None = None
) -> float:
    """The remote side's ``retry_after`` wins over the back-off (never negative)."""
    if retry_after is not None:
        return max(0.0, float(retry_after))
    return backoff.delay(attempt, rng)
