"""Real HTTP servers on 127.0.0.1 for tests: they record what they receive and answer a script."""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Send the body without Content-Length, in chunks, until the client hangs up.
    stream_bytes: int = 0


Handler = Callable[[Received], Reply]


class RecordingServer:
    """Answers each request with ``handler(received)`` and keeps every request received."""

    def __init__(
        self, handler: Handler | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.handler: Handler = handler or (lambda _received: Reply())
        self.scheme = "https" if tls else "http"
        self.received: list[Received] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received = Received(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                server.received.append(received)
                reply = server.handler(received)
                time.sleep(reply.delay)
                body = reply.body
                headers = dict(reply.headers)
                if isinstance(body, dict | list):
                    body = json.dumps(body).encode()
                    headers.setdefault("Content-Type", "application/json")
                elif isinstance(body, str):
                    body = body.encode()
                try:
                    self.send_response(reply.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    if reply.stream_bytes:
                        self.end_headers()
                        chunk = b"x" * 65536
                        for _ in range(reply.stream_bytes // len(chunk)):
                            self.wfile.write(chunk)
                        return
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def start(self) -> RecordingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def running(handler: Handler | None = None) -> Iterator[RecordingServer]:
    server = RecordingServer(handler).start()
    try:
        yield server
    finally:
        server.stop()


def replies(*script: Reply) -> Handler:
    """A handler answering with ``script`` in order, then repeating the last reply."""
    remaining = list(script)

    def handler(_received: Received) -> Reply:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return handler


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections (kernel backlog) and never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def free_port() -> int:
    """A port nobody listens on (for connection-refused tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
