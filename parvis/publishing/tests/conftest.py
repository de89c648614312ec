"""Connected accounts for the publication tests: Mastodon on mastodon-mock, the sandbox."""

from __future__ import annotations

import pytest

from parvis.connectors import actions
from parvis.connectors.conftest import mastodon_mock, mock  # noqa: F401 — shared fixtures
from parvis.connectors.mastodon import oauth
from parvis.connectors.models import ConnectedAccount, Network
from parvis.connectors.sandbox.connector import connection_for
from parvis.connectors.sandbox.models import SandboxProfile


@pytest.fixture
def ville(organisation, admin, mock) -> ConnectedAccount:  # noqa: F811
    connection = oauth.connect_with_token(mock.url, mock.tokens["ville"])
    return actions.do_connect(
        organisation, actor=admin, network=Network.MASTODON, connection=connection
    )


def training_account(organisation, handle: str = "ville.bac-a-sable") -> ConnectedAccount:
    profile = SandboxProfile.objects.create(handle=handle, display_name="Ville", followers_count=10)
    return actions.do_connect(
        organisation, actor=None, network=Network.SANDBOX, connection=connection_for(profile)
    )


@pytest.fixture
def sandbox(organisation) -> ConnectedAccount:
    """A training-network account: publishing runs in the instance, end to end."""
    return training_account(organisation)
