"""A connected Mastodon account on mastodon-mock, for the publication tests."""

from __future__ import annotations

import pytest

from parvis.connectors import actions
from parvis.connectors.conftest import mastodon_mock, mock  # noqa: F401 — shared fixtures
from parvis.connectors.mastodon import oauth
from parvis.connectors.models import ConnectedAccount, Network


@pytest.fixture
def ville(organisation, admin, mock) -> ConnectedAccount:  # noqa: F811
    connection = oauth.connect_with_token(mock.url, mock.tokens["ville"])
    return actions.do_connect(
        organisation, actor=admin, network=Network.MASTODON, connection=connection
    )
