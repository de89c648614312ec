"""Recorded real Mastodon traffic (shared fixtures), served again by a local HTTP server.

The cassettes were recorded by the Mastodon.py project against a real Mastodon 4.6 server.
:class:`Replay` answers each request with the first unused recorded interaction of the same
method and path (and query, when one matches exactly), checks the request against Mastodon's
API description, and keeps what was asked for the test to assert on.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from parvis.core.http.tests.servers import Received, RecordingServer, Reply

from . import openapi

CASSETTES = openapi.SPEC_PATH.parent / "cassettes"
RECORDED_ORIGIN = b"http://localhost:3000"  # where the recordings were made
# The local server sends its own Date and Server; lengths and encodings are its own too.
DROPPED_HEADERS = {
    "content-length", "content-encoding", "transfer-encoding", "connection", "date", "server"
}  # fmt: skip


@dataclass
class Interaction:
    method: str
    path: str
    query: list[tuple[str, str]]
    status: int
    headers: dict[str, str]
    body: bytes
    used: bool = False

    @property
    def json(self) -> Any:
        import json

        return json.loads(self.body)


def load(name: str) -> list[Interaction]:
    path = CASSETTES / f"{name}.yaml"
    data = yaml.safe_load(path.read_text())
    interactions = []
    for item in data["interactions"]:
        request, response = item["request"], item["response"]
        parts = urlsplit(request["uri"])
        body = response["body"]["string"]
        interactions.append(
            Interaction(
                method=request["method"],
                path=parts.path,
                query=sorted(parse_qsl(parts.query, keep_blank_values=True)),
                status=int(response["status"]["code"]),
                headers={
                    key.lower(): values[0]
                    for key, values in response["headers"].items()
                    if key.lower() not in DROPPED_HEADERS
                },
                body=body.encode() if isinstance(body, str) else bytes(body),
            )
        )
    return interactions


@dataclass
class Replay:
    interactions: list[Interaction]
    server: RecordingServer | None = None
    answered: list[tuple[Received, Interaction]] = field(default_factory=list)
    unmatched: list[Received] = field(default_factory=list)
    schema_errors: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    @property
    def host(self) -> str:
        """``127.0.0.1:port``: the instance part of local accounts' handles."""
        return self.url.split("://", 1)[1]

    def recorded(self, method: str, path_start: str, index: int = 0) -> Interaction:
        """A recorded interaction, to read ids from (the n-th of that method and path)."""
        found = [
            i for i in self.interactions if i.method == method and i.path.startswith(path_start)
        ]
        return found[index]

    def handle(self, received: Received) -> Reply:
        parts = urlsplit(received.path)
        query = sorted(parse_qsl(parts.query, keep_blank_values=True))
        url = f"{self.url}{received.path}"
        try:
            openapi.check_request(received.method, url, received.headers, received.body)
        except openapi.SchemaMismatchError as error:
            self.schema_errors.append(str(error))
        candidates = [
            i
            for i in self.interactions
            if not i.used
            and i.method == received.method
            and i.path.rstrip("/") == parts.path.rstrip("/")
        ]
        exact = [i for i in candidates if i.query == query]
        matching = exact or candidates
        if not matching:
            self.unmatched.append(received)
            return Reply(599, {"error": f"no recording for {received.method} {received.path}"})
        chosen = matching[0]
        chosen.used = True
        self.answered.append((received, chosen))
        try:
            openapi.check_response(received.method, url, chosen.status, chosen.body)
        except openapi.SchemaMismatchError as error:
            self.schema_errors.append(str(error))
        return Reply(chosen.status, chosen.body, chosen.headers)

    def requests(self) -> list[str]:
        return [
            f"{received.method} {urlsplit(received.path).path}" for received, _ in self.answered
        ]

    def assert_clean(self) -> None:
        """Every request was recorded once and fits the API description."""
        assert self.unmatched == [], [f"{r.method} {r.path}" for r in self.unmatched]
        assert not self.schema_errors, "\n".join(self.schema_errors)


@contextmanager
def replaying(*names: str) -> Iterator[Replay]:
    replay = Replay([interaction for name in names for interaction in load(name)])
    replay.server = RecordingServer(replay.handle).start()
    # Links in the answers point at the recording server: point them at this one.
    for interaction in replay.interactions:
        interaction.body = interaction.body.replace(RECORDED_ORIGIN, replay.url.encode())
    try:
        yield replay
    finally:
        replay.server.stop()
