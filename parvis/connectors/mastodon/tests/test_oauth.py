"""Connecting a Mastodon account, against recorded real traffic of the OAuth endpoints."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from parvis.connectors.errors import ConnectorError
from parvis.connectors.mastodon import oauth

REDIRECT = "https://parvis.exemple.gouv.fr/o/ville/parametres/comptes/mastodon/retour/"


def test_parvis_registers_itself_on_the_instance_with_its_redirect_uri(recorded):
    harness = recorded("test_app_account_create_invalid")
    app = harness.replay.recorded("POST", "/api/v1/apps").json

    application = oauth.register_application(harness.replay.url, REDIRECT, "https://parvis.test")

    assert application == oauth.Application(app["client_id"], app["client_secret"])
    [(request, _)] = harness.replay.answered
    sent = parse_qs(request.body.decode())
    assert sent["client_name"] == ["Parvis"]
    assert sent["redirect_uris"] == [REDIRECT]
    assert sent["scopes"] == ["read write"]
    for interaction in harness.replay.interactions:
        interaction.used = True


def test_the_authorisation_url_asks_for_a_code_with_our_state(recorded):
    harness = recorded("test_auth_request_url")
    url = oauth.authorization_url(
        harness.replay.url, oauth.Application("id-123", "secret"), REDIRECT, state="abc"
    )

    parts = urlsplit(url)
    query = parse_qs(parts.query)
    assert parts.path == "/oauth/authorize"  # the endpoint the instance announced
    assert query["client_id"] == ["id-123"]
    assert query["redirect_uri"] == [REDIRECT]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["read write"]
    assert query["state"] == ["abc"]
    harness.replay.interactions[1].used = True


def test_the_code_is_exchanged_and_the_account_and_instance_limits_are_read(recorded):
    harness = recorded(
        "test_app_account_create_invalid",
        "test_log_in_none",  # the instance's OAuth metadata, read before the exchange
        "test_verify_credentials",
        "test_instance",
    )
    harness.replay.recorded("POST", "/api/v1/apps").used = True
    token = harness.replay.recorded("POST", "/oauth/token").json["access_token"]

    connection = oauth.exchange_code(
        harness.replay.url, oauth.Application("id-123", "secret"), "the-code", REDIRECT
    )

    token_request = next(r for r, _ in harness.replay.answered if r.path == "/oauth/token")
    sent = parse_qs(token_request.body.decode())
    assert sent["grant_type"] == ["authorization_code"]
    assert sent["code"] == ["the-code"]
    assert connection.credentials["access_token"] == token
    assert connection.credentials["client_id"] == "id-123"
    assert connection.credentials["version"].startswith("4.")
    assert connection.credentials["instance"]["statuses"]["max_characters"] > 0
    assert connection.account.handle.endswith(f"@{harness.replay.host}")
    for interaction in harness.replay.interactions:
        interaction.used = True


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("mastodon.social", "https://mastodon.social"),
        ("https://Social.Numerique.Gouv.Fr/", "https://social.numerique.gouv.fr"),
        (" piaille.fr ", "https://piaille.fr"),
    ],
)
def test_the_instance_can_be_typed_the_way_people_write_it(typed, expected):
    assert oauth.normalise_instance_url(typed) == expected


@pytest.mark.parametrize("typed", ["ftp://x.fr", "https://mastodon.social/@ville", "https://"])
def test_a_wrong_instance_address_is_refused_in_french(typed):
    with pytest.raises(ConnectorError) as caught:
        oauth.normalise_instance_url(typed)
    assert caught.value.permanent
    assert "instance" in caught.value.message
