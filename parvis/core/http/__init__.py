"""Every call Parvis makes to the outside goes through here (see README, "Outbound HTTP").

- :func:`client` — an ``httpx.Client`` (the atproto SDK, new code);
- :func:`session` — a ``requests.Session`` (Mastodon.py);
- :func:`request` — one call with retries for transient failures.

All three apply one :class:`Policy` read from the settings: address guard (no private, loopback
or link-local address, checked on the address actually connected to, at every redirect hop),
timeouts, user agent, maximum response size.
"""

from __future__ import annotations

from typing import Any

import httpx
import requests

from parvis.core.http.api import (
    IDEMPOTENT_METHODS,
    from_httpx_error,
    from_requests_error,
    raise_for_status,
    remote_message,
    request,
)
from parvis.core.http.errors import (
    AddressRefusedError,
    ConnectionFailedError,
    HTTPStatusError,
    OutboundError,
    OutboundTimeoutError,
    ResponseTooLargeError,
    TooManyRedirectsError,
)
from parvis.core.http.guard import Allowance, Guard, check_url, parse_allowance
from parvis.core.http.httpx_transport import OutboundResponse, make_client
from parvis.core.http.policy import Policy
from parvis.core.http.ratelimit import RateLimit, parse_rate_limit, parse_retry_after
from parvis.core.http.requests_adapter import make_session


def client(*, policy: Policy | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx.Client under the outbound policy; ``kwargs`` go to httpx.Client."""
    return make_client(policy or Policy.from_settings(), **kwargs)


def session(*, policy: Policy | None = None) -> requests.Session:
    """A requests.Session under the outbound policy."""
    return make_session(policy or Policy.from_settings())


__all__ = [
    "IDEMPOTENT_METHODS",
    "AddressRefusedError",
    "Allowance",
    "ConnectionFailedError",
    "Guard",
    "HTTPStatusError",
    "OutboundError",
    "OutboundResponse",
    "OutboundTimeoutError",
    "Policy",
    "RateLimit",
    "ResponseTooLargeError",
    "TooManyRedirectsError",
    "check_url",
    "client",
    "from_httpx_error",
    "from_requests_error",
    "parse_allowance",
    "parse_rate_limit",
    "parse_retry_after",
    "raise_for_status",
    "remote_message",
    "request",
    "session",
]
