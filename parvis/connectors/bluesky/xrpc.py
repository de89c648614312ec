"""The atproto SDK, sending through Parvis's outbound HTTP wrapper, and its errors in French.

The SDK's ``Client`` takes a ``request`` object that owns an ``httpx.Client``; ours owns the
client of :func:`parvis.core.http.client` (address guard, timeouts, size cap, user agent),
reports each response's rate-limit headers, and raises :class:`XrpcError` for an error
status, so that the connector decides what a status means (refresh the session, wait, give
up) instead of the SDK's exception classes. The SDK's pydantic models still validate every
answer at the edge; what does not fit becomes :class:`InvalidResponseError`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from atproto_client import Client
from atproto_client.exceptions import ModelError
from atproto_client.request import Request, RequestBase
from django.utils.translation import gettext as _
from pydantic import ValidationError

from parvis.connectors.errors import ConnectorError, InvalidResponseError
from parvis.core.http import (
    AddressRefusedError,
    HTTPStatusError,
    OutboundError,
    RateLimit,
    from_httpx_error,
    parse_rate_limit,
)
from parvis.core.http import client as outbound_client
from parvis.core.http.ratelimit import retry_delay

logger = logging.getLogger("parvis.connectors.bluesky")

NETWORK = "Bluesky"
# XRPC error names that mean "this access token is no good", answered with 400 or 401.
TOKEN_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthMissing"})


class XrpcError(Exception):
    """An XRPC call answered an error status: the status, the error name, the message."""

    def __init__(
        self, status: int, error: str = "", message: str = "", headers: httpx.Headers | None = None
    ) -> None:
        super().__init__(f"{status} {error}: {message}".strip())
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or httpx.Headers()

    @classmethod
    def from_response(cls, response: httpx.Response) -> XrpcError:
        error = message = ""
        try:
            body = json.loads(response.content)
        except ValueError:
            message = " ".join(response.text.split())[:300]
        else:
            if isinstance(body, dict):
                error = str(body.get("error") or "")[:100]
                message = str(body.get("message") or "")[:300]
        return cls(response.status_code, error, message, response.headers)

    @property
    def remote_message(self) -> str:
        return ": ".join(part for part in (self.error, self.message) if part)

    @property
    def retry_after(self) -> float | None:
        return retry_delay(self.headers)

    @property
    def is_token_problem(self) -> bool:
        """The access token is expired, revoked or malformed: a refresh may help."""
        return self.status == 401 or (self.status == 400 and self.error in TOKEN_ERRORS)


class GuardedRequest(Request):  # type: ignore[misc]
    """The SDK's request object, over an httpx client of the outbound wrapper."""

    def __init__(
        self,
        http_client: httpx.Client,
        on_rate_limit: Callable[[RateLimit], None] = lambda _limit: None,
    ) -> None:
        RequestBase.__init__(self)  # not Request.__init__: it would build its own client
        self._client_kwargs: dict[str, Any] = {}
        self._client = http_client
        self._on_rate_limit = on_rate_limit

    def _new_instance(self) -> GuardedRequest:
        return type(self)(self._client, self._on_rate_limit)

    def _send_request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        # The wrapper's client sets Parvis's user agent; the SDK would replace it with its own.
        headers = {
            name: value
            for name, value in self.get_headers(kwargs.pop("headers", None)).items()
            if name.lower() != "user-agent"
        }
        if isinstance(kwargs.get("data"), bytes):  # uploadBlob: raw bytes are content
            kwargs["content"] = kwargs.pop("data")
        try:
            response = self._client.request(method=method, url=url, headers=headers, **kwargs)
            response.read()
        except httpx.InvalidURL as error:
            raise AddressRefusedError(_("adresse invalide")) from error
        except httpx.HTTPError as error:
            raise from_httpx_error(error) from error
        limit = parse_rate_limit(response.headers)
        if limit is not None:
            self._on_rate_limit(limit)
        if response.status_code >= 400:
            raise XrpcError.from_response(response)
        return response


@contextmanager
def sdk_client(
    service_url: str, *, on_rate_limit: Callable[[RateLimit], None] = lambda _limit: None
) -> Iterator[Any]:
    """An atproto ``Client`` for ``service_url`` whose every call goes through the wrapper."""
    with outbound_client() as http:
        yield Client(base_url=service_url, request=GuardedRequest(http, on_rate_limit))


# What a call through the SDK may raise, beyond ConnectorError: turned into ConnectorError.
CALL_ERRORS = (
    XrpcError,
    OutboundError,
    ModelError,
    ValidationError,
    ValueError,
    LookupError,
    AttributeError,
    TypeError,
)


def connector_error(error: Exception) -> ConnectorError:
    """The ConnectorError for what a call raised (XrpcError, OutboundError, bad answers)."""
    if isinstance(error, ConnectorError):
        return error
    if isinstance(error, XrpcError):
        if error.status == 429:
            seconds = error.retry_after
            return ConnectorError(
                _("Limite de débit de Bluesky atteinte : nouvel essai plus tard."),
                permanent=False,
                retry_after=seconds,
                status=429,
                remote_message=error.remote_message,
            )
        return ConnectorError.from_outbound(
            HTTPStatusError(
                error.status, remote_message=error.remote_message, retry_after=error.retry_after
            )
        )
    if isinstance(error, OutboundError):
        return ConnectorError.from_outbound(error)
    if isinstance(error, ModelError | ValidationError | ValueError):
        return InvalidResponseError(NETWORK, str(error))
    # An answer of a shape the models let through but the mapping did not expect — or a bug:
    # the traceback goes to the log either way.
    logger.warning("unexpected error on a Bluesky answer", exc_info=error)
    return InvalidResponseError(NETWORK, f"{type(error).__name__}: {error}")


def jwt_payload(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified (the server verifies; we only read ``exp``, ``scope``)."""
    try:
        segment = token.split(".")[1]
        decoded = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        payload = json.loads(decoded)
    except (IndexError, ValueError, binascii.Error):
        return {}
    return payload if isinstance(payload, dict) else {}


def token_expires_at(token: str) -> dt.datetime | None:
    exp = jwt_payload(token).get("exp")
    if not isinstance(exp, int | float):
        return None
    return dt.datetime.fromtimestamp(exp, dt.UTC)
