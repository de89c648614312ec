"""Local feed servers on 127.0.0.1 serving the documents of ``feeds/``, and sources to fetch."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from parvis.connectors.feeds.models import FeedSource
from parvis.core.http.tests.servers import Handler, Received, RecordingServer, Reply, replies
from parvis.core.http.tests.servers import running as running_http
from parvis.organisations.models import Organisation

FEEDS = Path(__file__).parent / "feeds"
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM = {"Content-Type": "application/atom+xml"}


def document(name: str) -> bytes:
    """A feed document of ``feeds/``, as a server would send it."""
    return (FEEDS / name).read_bytes()


class FeedServer:
    """A RecordingServer whose paths each answer their own script of replies."""

    def __init__(self, server: RecordingServer) -> None:
        self.server = server
        self.routes: dict[str, Handler] = {}
        server.handler = self._route

    def _route(self, received: Received) -> Reply:
        handler = self.routes.get(received.path.split("?", 1)[0])
        return handler(received) if handler else Reply(404, "Not Found")

    def serve(self, path: str, *script: Reply) -> str:
        """Answer ``path`` with ``script`` in order (the last reply repeats); its URL."""
        self.routes[path] = replies(*script)
        return self.url + path

    def serve_document(self, path: str, name: str, **headers: str) -> str:
        """Answer ``path`` with the document ``name`` of ``feeds/``; its URL."""
        kind = ATOM if name.endswith(".atom") else RSS
        return self.serve(path, Reply(body=document(name), headers={**kind, **headers}))

    def serve_with(self, path: str, handler: Handler) -> str:
        self.routes[path] = handler
        return self.url + path

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return self.server.port

    def requests_to(self, path: str) -> list[Received]:
        return [r for r in self.server.received if r.path.split("?", 1)[0] == path]


@pytest.fixture
def feed_server(settings) -> Iterator[FeedServer]:
    """A feed server that outbound calls may reach (its port is in the allowance)."""
    with running_http() as server:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{server.port}"]
        yield FeedServer(server)


@pytest.fixture
def make_source(organisation: Organisation) -> Callable[..., FeedSource]:
    def make(url: str, name: str = "Actualités", **values: object) -> FeedSource:
        return FeedSource.objects.create(organisation=organisation, name=name, url=url, **values)

    return make


@contextmanager
def dripping_server(interval: float = 0.1) -> Iterator[int]:
    """A port whose server answers 200, then sends one byte every ``interval`` for ever."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    stop = threading.Event()

    def drip(connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n\r\n"
                b'<?xml version="1.0"?><rss version="2.0"><channel>'
            )
            while not stop.is_set():
                try:
                    connection.sendall(b" ")
                except OSError:
                    return
                time.sleep(interval)

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=drip, args=(connection,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
