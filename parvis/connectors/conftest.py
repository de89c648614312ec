"""Fixtures shared by the connector tests: a mastodon-mock process on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from parvis.connectors.mastodon.tests.mock_server import MockInstance, running_mock


@pytest.fixture(scope="module")
def mastodon_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockInstance]:
    """One mastodon-mock process for the module, stopped by its pid at the end."""
    with running_mock(tmp_path_factory.mktemp("mastodon-mock")) as instance:
        yield instance


@pytest.fixture
def mock(settings: Any, mastodon_mock: MockInstance) -> MockInstance:
    """The module's mastodon-mock, which outbound calls may reach during this test."""
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{mastodon_mock.port}"]
    return mastodon_mock
