"""The outbound policy, read from the settings: one object shared by both client faces."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django.conf import settings

from parvis.conf.env import SettingError
from parvis.core.http.guard import Allowance, Guard, parse_allowance


@dataclass(frozen=True)
class Policy:
    """Timeouts, size limit, identity, address guard and retry rules of outbound calls."""

    timeout: float = 15.0
    max_bytes: int = 20 * 1024 * 1024
    user_agent: str = "Parvis"
    guard: Guard = field(default_factory=Guard)
    max_redirects: int = 5
    # Retries of :func:`parvis.core.http.request` (attempts include the first one).
    max_attempts: int = 3
    backoff_base: float = 0.5
    backoff_cap: float = 20.0
    # A Retry-After longer than this is not waited for in the call: the error carries it, and
    # the caller (a background job) reschedules instead of holding a worker.
    max_retry_wait: float = 60.0

    @classmethod
    def from_settings(cls) -> Policy:
        return cls(
            timeout=float(settings.PARVIS_HTTP_TIMEOUT),
            max_bytes=int(settings.PARVIS_HTTP_MAX_BYTES),
            user_agent=str(settings.PARVIS_HTTP_USER_AGENT),
            guard=Guard(allowance=allowance_from_settings()),
        )


def allowance_from_settings() -> Allowance:
    return _parsed_allowance(tuple(settings.PARVIS_HTTP_ALLOWED_PRIVATE))


@functools.lru_cache(maxsize=8)
def _parsed_allowance(entries: tuple[str, ...]) -> Allowance:
    try:
        return parse_allowance(entries)
    except ValueError as error:
        raise SettingError(
            "PARVIS_HTTP_ALLOWED_PRIVATE",
            f"entrée invalide {error}",
            f"invalid entry {error}",
        ) from None
