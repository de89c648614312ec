"""The convenience call: one request under the policy, with retries for transient failures."""

from __future__ import annotations

import json
import logging
import random
import time
from typing import Any

import httpx
import requests
from django.utils.translation import gettext as _

from parvis.core.http.errors import (
    RETRYABLE_STATUSES,
    AddressRefusedError,
    ConnectionFailedError,
    HTTPStatusError,
    OutboundError,
    OutboundTimeoutError,
    TooManyRedirectsError,
)
from parvis.core.http.httpx_transport import OutboundResponse, make_client
from parvis.core.http.policy import Policy
from parvis.core.http.ratelimit import retry_delay

logger = logging.getLogger("parvis.http")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_REMOTE_MESSAGE_KEYS = ("error_description", "error", "message", "detail", "errors")
_REMOTE_MESSAGE_LENGTH = 300

# Indirection so that tests can observe waits; time.sleep otherwise.
sleep = time.sleep


def remote_message(response: httpx.Response) -> str:
    """What the remote side said about an error, short: a JSON message field or the text."""
    try:
        text = response.text
    except (httpx.HTTPError, OutboundError):
        return ""
    try:
        body = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:_REMOTE_MESSAGE_LENGTH]
    if isinstance(body, dict):
        for key in _REMOTE_MESSAGE_KEYS:
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:_REMOTE_MESSAGE_LENGTH]
    return " ".join(text.split())[:_REMOTE_MESSAGE_LENGTH]


def raise_for_status(response: httpx.Response) -> None:
    """HTTPStatusError for a 4xx/5xx response, with the remote message and Retry-After."""
    if response.status_code < 400:
        return
    raise HTTPStatusError(
        response.status_code,
        remote_message=remote_message(response),
        retry_after=retry_delay(response.headers),
    )


def from_httpx_error(error: httpx.HTTPError) -> OutboundError:
    """The OutboundError for an httpx exception (for connectors using :func:`client`)."""
    if isinstance(error, httpx.TimeoutException):
        return OutboundTimeoutError(str(error))
    if isinstance(error, httpx.TooManyRedirects):
        return TooManyRedirectsError(Policy.max_redirects)
    if isinstance(error, httpx.HTTPStatusError):
        return HTTPStatusError(
            error.response.status_code,
            remote_message=remote_message(error.response),
            retry_after=retry_delay(error.response.headers),
        )
    return ConnectionFailedError(str(error))


def from_requests_error(error: requests.RequestException) -> OutboundError:
    """The OutboundError for a requests exception (for connectors using :func:`session`)."""
    if isinstance(error, requests.Timeout):
        return OutboundTimeoutError(str(error))
    if isinstance(error, requests.TooManyRedirects):
        return TooManyRedirectsError(Policy.max_redirects)
    return ConnectionFailedError(str(error))


def backoff_delay(attempt: int, policy: Policy) -> float:
    """Exponential back-off with jitter: half to all of base * 2^(attempt-1), capped."""
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0 ** (attempt - 1))
    return ceiling * (0.5 + random.random() / 2)  # noqa: S311 — jitter, not a secret


def _attempt(http: httpx.Client, method: str, url: str, kwargs: dict[str, Any]) -> httpx.Response:
    try:
        response = http.request(method, url, **kwargs)
        response.read()
    except httpx.HTTPError as error:
        raise from_httpx_error(error) from error
    except httpx.InvalidURL as error:
        raise AddressRefusedError(_("adresse invalide")) from error
    return response


def request(
    method: str,
    url: str,
    *,
    policy: Policy | None = None,
    retry_unsafe: bool = False,
    check_status: bool = True,
    **kwargs: Any,
) -> OutboundResponse:
    """Send one request under the policy and return the response, body read.

    Transient failures (connection errors, timeouts, 429, 502, 503, 504) are retried with
    exponential back-off and jitter, honouring Retry-After and rate-limit resets, but only for
    idempotent methods unless ``retry_unsafe`` is set: a POST that timed out may have published.
    Raises :class:`OutboundError`; with ``check_status=False`` an error status is returned.
    ``kwargs`` go to :meth:`httpx.Client.request` (json, headers, content…).
    """
    policy = policy or Policy.from_settings()
    method = method.upper()
    retryable = retry_unsafe or method in IDEMPOTENT_METHODS
    with make_client(policy) as http:
        attempt = 0
        while True:
            attempt += 1
            response: httpx.Response | None = None
            try:
                response = _attempt(http, method, url, kwargs)
                if response.status_code in RETRYABLE_STATUSES or (
                    check_status and response.status_code >= 400
                ):
                    raise_for_status(response)
                assert isinstance(response, OutboundResponse)  # noqa: S101
                return response
            except OutboundError as error:
                transient = not error.permanent and (
                    error.status is None or error.status in RETRYABLE_STATUSES
                )
                delay = (
                    error.retry_after
                    if error.retry_after is not None
                    else backoff_delay(attempt, policy)
                )
                if (
                    not (retryable and transient)
                    or attempt >= policy.max_attempts
                    or delay > policy.max_retry_wait
                ):
                    if isinstance(response, OutboundResponse) and not check_status:
                        return response
                    raise
                logger.info(
                    "outbound %s %s failed (%s), retry %d in %.1f s",
                    method,
                    httpx.URL(url).host,
                    error.message_fr,
                    attempt,
                    delay,
                )
                sleep(delay)
