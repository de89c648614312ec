"""Fixtures of the Mastodon tests: recorded traffic replayed on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from parvis.connectors.base import AccountAccess
from parvis.connectors.mastodon.connector import MastodonConnector
from parvis.core.http import RateLimit

from .replay import Replay, replaying

TOKEN = "__MASTODON_PY_TEST_ACCESS_TOKEN"  # the placeholder of the recordings
OWN_ID = "117020565966271181"  # mastodonpy_test, the account that recorded them
RECORDED_VERSION = "4.6.4"


class Harness:
    def __init__(self, replay: Replay) -> None:
        self.replay = replay
        self.saved_limits: list[RateLimit] = []

    def connector(self, **credentials: object) -> MastodonConnector:
        return MastodonConnector(
            AccountAccess(
                service_url=self.replay.url,
                handle="mastodonpy_test@localhost:3000",
                remote_id=OWN_ID,
                credentials={"access_token": TOKEN, "version": RECORDED_VERSION, **credentials},
                save_rate_limit=self.saved_limits.append,
            )
        )


@pytest.fixture
def recorded(settings) -> Iterator[Callable[..., Harness]]:
    """``recorded("test_status", ...)``: a connector talking to the replayed cassettes.

    At the end, every request must have found its recording and fit the API description.
    """
    with ExitStack() as stack:
        harnesses: list[Harness] = []

        def start(*cassettes: str) -> Harness:
            replay = stack.enter_context(replaying(*cassettes))
            settings.PARVIS_HTTP_ALLOWED_PRIVATE = [
                f"127.0.0.1:{h.replay.server.port}"  # type: ignore[union-attr]
                for h in [*harnesses, Harness(replay)]
            ]
            harness = Harness(replay)
            harnesses.append(harness)
            return harness

        yield start
        for harness in harnesses:
            harness.replay.assert_clean()
