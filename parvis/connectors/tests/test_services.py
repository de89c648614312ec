"""The health of an account follows what its last call gave; what connectors report is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from parvis.connectors import services
from parvis.connectors.errors import ConnectorError
from parvis.connectors.models import ConnectedAccount, Health
from parvis.core.http import RateLimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(organisation):
    account = ConnectedAccount(
        organisation=organisation,
        network="mastodon",
        service_url="https://mastodon.test",
        remote_id="42",
        handle="ville@mastodon.test",
    )
    account.set_credentials({"access_token": "secret-token", "version": "4.6.0"})
    account.save()
    return account


def test_a_revoked_token_means_reconnection(account):
    services.record_error(account, ConnectorError("refusé", permanent=True, needs_reconnect=True))
    account.refresh_from_db()
    assert account.health == Health.RECONNECT
    assert account.last_error == "refusé"
    assert account.last_error_at is not None


def test_a_rate_limit_lasts_until_the_time_the_network_gave(account):
    now = timezone.now()
    services.record_error(
        account, ConnectorError("lent", permanent=False, retry_after=600, status=429), now=now
    )
    account.refresh_from_db()
    assert account.health == Health.RATE_LIMITED
    assert account.rate_limited_until == now + dt.timedelta(seconds=600)
    assert account.health_now(now + dt.timedelta(seconds=599)) == Health.RATE_LIMITED
    assert account.health_now(now + dt.timedelta(seconds=601)) == Health.OK


def test_other_errors_put_the_account_in_error_until_a_call_succeeds(account):
    services.record_error(account, ConnectorError("panne", permanent=False))
    account.refresh_from_db()
    assert account.health == Health.ERROR

    services.record_success(account)
    account.refresh_from_db()
    assert account.health == Health.OK
    assert account.last_ok_at is not None
    assert account.last_error == "panne"  # kept, for the curious, with its date


def test_call_records_the_error_and_lets_it_through(account, settings):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    account.service_url = "http://127.0.0.1:9"
    account.save()
    with pytest.raises(ConnectorError):
        services.call(account, lambda connector: connector.verify())
    account.refresh_from_db()
    assert account.health == Health.ERROR
    assert "Adresse refusée" in account.last_error


def test_refreshed_credentials_and_announced_quotas_are_written_back(account):
    access = services.access_for(account)
    reset = timezone.now() + dt.timedelta(minutes=5)

    access.save_credentials({"access_token": "new-token"})
    access.save_rate_limit(RateLimit(limit=300, remaining=0, reset_at=reset))

    account.refresh_from_db()
    assert account.credentials_dict() == {"access_token": "new-token"}
    assert (account.rate_limit_remaining, account.rate_limit_reset_at) == (0, reset)
    assert services.access_for(account).rate_limit.exhausted  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT credentials FROM {ConnectedAccount._meta.db_table}")  # noqa: S608
        assert "new-token" not in cursor.fetchone()[0]
