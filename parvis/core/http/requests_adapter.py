"""The requests face (Mastodon.py): an HTTPAdapter whose connections reach only vetted addresses.

urllib3 resolves the host in ``HTTPConnection._new_conn``; ours resolves through the guard and
opens the socket to the vetted address, while TLS SNI, certificate checks and the Host header
keep using the host name of the URL.
"""

from __future__ import annotations

import functools
import socket
from collections.abc import Iterator, Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection

from parvis.core.http.errors import ResponseTooLargeError
from parvis.core.http.guard import Guard, check_url
from parvis.core.http.policy import Policy


def _guarded_socket(conn: HTTPConnection, guard: Guard) -> socket.socket:
    try:
        addresses = guard.resolve(conn._dns_host, conn.port)
    except socket.gaierror as error:
        raise NameResolutionError(conn.host, conn, error) from error
    last_error: OSError | None = None
    for address in addresses:
        try:
            return connection.create_connection(
                (address, conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as error:
            raise ConnectTimeoutError(
                conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
            ) from error
        except OSError as error:
            last_error = error
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last_error}")


class GuardedHTTPConnection(HTTPConnection):
    guard: Guard = Guard()

    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self, self.guard)


class GuardedHTTPSConnection(HTTPSConnection):
    guard: Guard = Guard()

    def _new_conn(self) -> socket.socket:
        return _guarded_socket(self, self.guard)


@functools.lru_cache(maxsize=32)
def _bound(cls: type[HTTPConnection], guard: Guard) -> type[HTTPConnection]:
    """A connection class carrying ``guard`` (urllib3 instantiates classes, not objects)."""
    return type(cls.__name__, (cls,), {"guard": guard})


class _GuardedPoolManager(PoolManager):
    def __init__(self, guard: Guard, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._guard = guard

    def _new_pool(
        self, scheme: str, host: str, port: int, request_context: dict[str, Any] | None = None
    ) -> HTTPConnectionPool:
        pool = super()._new_pool(scheme, host, port, request_context)
        if isinstance(pool, HTTPSConnectionPool):
            pool.ConnectionCls = _bound(GuardedHTTPSConnection, self._guard)  # type: ignore[assignment]
        else:
            pool.ConnectionCls = _bound(GuardedHTTPConnection, self._guard)
        return pool


class _LimitedRaw:
    """Wraps a urllib3 response so that reading more than ``limit`` bytes aborts."""

    def __init__(self, raw: Any, limit: int) -> None:
        self._raw = raw
        self._limit = limit
        self._received = 0

    def _count(self, data: bytes) -> bytes:
        self._received += len(data)
        if self._received > self._limit:
            self._raw.close()
            raise ResponseTooLargeError(self._limit)
        return data

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        return self._count(self._raw.read(*args, **kwargs))

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        for chunk in self._raw.stream(*args, **kwargs):
            yield self._count(chunk)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


class GuardedAdapter(HTTPAdapter):
    """HTTPAdapter with the address guard, the policy's timeouts and the size limit."""

    def __init__(self, policy: Policy, **kwargs: Any) -> None:
        self._policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        self._pool_connections = connections
        self._pool_maxsize = maxsize
        self._pool_block = block
        self.poolmanager = _GuardedPoolManager(
            self._policy.guard, num_pools=connections, maxsize=maxsize, block=block, **pool_kwargs
        )

    def send(  # noqa: PLR0917 — the signature of HTTPAdapter.send
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        check_url(request.url or "")
        if timeout is None:
            timeout = (self._policy.timeout, self._policy.timeout)
        # Proxies are refused: the guard must see the real destination.
        response = super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert)
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self._policy.max_bytes:
            response.close()
            raise ResponseTooLargeError(self._policy.max_bytes)
        response.raw = _LimitedRaw(response.raw, self._policy.max_bytes)
        return response


def make_session(policy: Policy) -> requests.Session:
    """A requests.Session under ``policy``: guarded adapters, user agent, no proxy, 5 hops."""
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = policy.max_redirects
    session.headers["User-Agent"] = policy.user_agent
    adapter = GuardedAdapter(policy)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
