"""The networks Parvis knows, by code, loaded from dotted paths (a connector per package)."""

from __future__ import annotations

import functools

from django.utils.module_loading import import_string

from parvis.connectors.base import Connector

CONNECTOR_PATHS = {
    "mastodon": "parvis.connectors.mastodon.connector.MastodonConnector",
    "bluesky": "parvis.connectors.bluesky.connector.BlueskyConnector",
    "sandbox": "parvis.connectors.sandbox.connector.SandboxConnector",
}


@functools.cache
def connector_class(network: str) -> type[Connector]:
    """The connector class of ``network``; KeyError for a network Parvis does not know."""
    cls: type[Connector] = import_string(CONNECTOR_PATHS[network])
    return cls
