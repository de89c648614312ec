"""The httpx face: a transport that connects only to vetted addresses.

httpcore resolves and connects through its network backend; ours resolves through the guard and
connects to the vetted IP address. TLS SNI, certificate verification and the Host header still
use the name from the URL, since httpcore takes them from the request, not from the socket.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from parvis.core.http.errors import ResponseTooLargeError
from parvis.core.http.guard import Guard, check_url
from parvis.core.http.policy import Policy
from parvis.core.http.ratelimit import RateLimit, parse_rate_limit


class OutboundResponse(httpx.Response):
    """An httpx response that also exposes the rate limit the remote side announced.

    The transport limits the bytes received; ``max_decoded_bytes`` also limits the body once
    decompressed, so that a small gzip bomb cannot fill the memory.
    """

    max_decoded_bytes: int | None = None

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        received = 0
        for chunk in super().iter_bytes(chunk_size):
            received += len(chunk)
            if self.max_decoded_bytes is not None and received > self.max_decoded_bytes:
                self.close()
                raise ResponseTooLargeError(self.max_decoded_bytes)
            yield chunk

    @property
    def rate_limit(self) -> RateLimit | None:
        return parse_rate_limit(self.headers)


class GuardedBackend(httpcore.NetworkBackend):
    """Resolves through the guard, then connects to the first vetted address that answers."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = self._guard.resolve(host, port)
        except (socket.gaierror, UnicodeError) as error:
            raise httpcore.ConnectError(f"{host}: {error}") from error
        last_error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None  # noqa: S101 — resolve() never returns an empty list
        raise last_error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("Unix sockets are not allowed for outbound calls")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class LimitedStream(httpx.SyncByteStream):
    """Passes the body through, aborting once it exceeds ``limit`` bytes."""

    def __init__(self, inner: httpx.SyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        for chunk in self._inner:
            received += len(chunk)
            if received > self._limit:
                self.close()
                raise ResponseTooLargeError(self._limit)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class GuardedTransport(httpx.HTTPTransport):
    """HTTPTransport with the address guard, the size limit and no proxy from the environment."""

    def __init__(self, policy: Policy, *, verify: Any = True) -> None:
        super().__init__(verify=verify, trust_env=False)
        self._policy = policy
        # httpx builds its pool in __init__ without a way to pass a network backend: replace it
        # (httpx is pinned to 0.28.x in pyproject.toml; a test covers this wiring).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(policy.guard),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        check_url(str(request.url))
        response = super().handle_request(request)
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self._policy.max_bytes:
            response.close()
            raise ResponseTooLargeError(self._policy.max_bytes)
        assert isinstance(response.stream, httpx.SyncByteStream)  # noqa: S101
        limited = OutboundResponse(
            status_code=response.status_code,
            headers=response.headers,
            stream=LimitedStream(response.stream, self._policy.max_bytes),
            extensions=response.extensions,
        )
        limited.max_decoded_bytes = self._policy.max_bytes
        return limited


def make_client(policy: Policy, **kwargs: Any) -> httpx.Client:
    """An httpx.Client under ``policy``; ``kwargs`` go to httpx.Client (base_url, headers…)."""
    headers = {"User-Agent": policy.user_agent, **dict(kwargs.pop("headers", None) or {})}
    verify = kwargs.pop("verify", True)
    return httpx.Client(
        transport=GuardedTransport(policy, verify=verify),
        timeout=kwargs.pop("timeout", httpx.Timeout(policy.timeout)),
        follow_redirects=kwargs.pop("follow_redirects", True),
        max_redirects=policy.max_redirects,
        headers=headers,
        trust_env=False,
        **kwargs,
    )
