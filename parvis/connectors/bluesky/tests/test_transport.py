"""The SDK on Parvis's wrapper: guard, user agent, rate limits, and what each error becomes.

These cases (429, 500, garbage) cannot be provoked on the real servers at will, so a scripted
HTTP server on 127.0.0.1 answers them; the real servers are in ``test_on_real_servers.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from parvis.connectors.base import AccountAccess
from parvis.connectors.bluesky.connector import BlueskyConnector
from parvis.connectors.errors import ConnectorError, InvalidResponseError
from parvis.core.http import RateLimit
from parvis.core.http.tests.servers import Received, RecordingServer, Reply, running

DID = "did:plc:zcfw4pekutjgvlp5hdfqeevp"
PROFILE = {"did": DID, "handle": "mairie.test", "followersCount": 12}


SECRET = "a test secret of at least 32 bytes"


def token(minutes: int, secret: str = SECRET) -> str:
    exp = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes)
    return jwt.encode({"sub": DID, "exp": int(exp.timestamp())}, secret, algorithm="HS256")


class Account:
    """An AccountAccess with what the connector saved."""

    def __init__(self, server: RecordingServer, access_jwt: str) -> None:
        self.credentials: list[dict[str, Any]] = []
        self.rate_limits: list[RateLimit] = []
        self.access = AccountAccess(
            service_url=server.url,
            handle="mairie.test",
            remote_id=DID,
            credentials={
                "did": DID,
                "handle": "mairie.test",
                "access_jwt": access_jwt,
                "refresh_jwt": "refresh-1",
                "service_url": server.url,
            },
            save_credentials=self.credentials.append,
            save_rate_limit=self.rate_limits.append,
        )
        self.connector = BlueskyConnector(self.access)


def routes(table: dict[str, list[Reply]]) -> Any:
    """A handler answering each XRPC method with its replies in order (the last repeats)."""

    def handler(received: Received) -> Reply:
        method = received.path.split("?")[0].removeprefix("/xrpc/")
        script = table.get(method, [Reply(404, {"error": "MethodNotImplemented"})])
        return script.pop(0) if len(script) > 1 else script[0]

    return handler


@pytest.fixture
def pds(settings: Any) -> Iterator[dict[str, list[Reply]]]:
    table: dict[str, list[Reply]] = {}
    with running(routes(table)) as server:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{server.port}"]
        table["_server"] = server  # type: ignore[assignment]
        yield table


def server_of(table: dict[str, Any]) -> RecordingServer:
    server: RecordingServer = table["_server"]
    return server


def test_calls_go_through_the_address_guard(settings: Any) -> None:
    with running(lambda _received: Reply(200, PROFILE)) as server:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
        account = Account(server, token(60))
        with pytest.raises(ConnectorError) as caught:
            account.connector.verify()
        assert caught.value.permanent
        assert "Adresse refusée" in caught.value.message
        assert server.received == []


def test_calls_carry_parvis_user_agent_and_the_access_token(pds: dict[str, Any]) -> None:
    pds["app.bsky.actor.getProfile"] = [Reply(200, PROFILE)]
    access_jwt = token(60)
    account = Account(server_of(pds), access_jwt)
    assert account.connector.verify().followers_count == 12
    [received] = server_of(pds).received
    assert received.headers["user-agent"].startswith("Parvis/")
    assert received.headers["authorization"] == f"Bearer {access_jwt}"


def test_rate_limit_headers_are_recorded_from_every_answer(pds: dict[str, Any]) -> None:
    reset = int(dt.datetime.now(dt.UTC).timestamp()) + 120
    headers = {
        "RateLimit-Limit": "3000",
        "RateLimit-Remaining": "2999",
        "RateLimit-Reset": str(reset),
    }
    pds["app.bsky.actor.getProfile"] = [Reply(200, PROFILE, headers=headers)]
    account = Account(server_of(pds), token(60))
    account.connector.verify()
    [limit] = account.rate_limits
    assert (limit.limit, limit.remaining) == (3000, 2999)
    assert limit.reset_at == dt.datetime.fromtimestamp(reset, dt.UTC)


def test_a_429_is_transient_with_its_delay_and_the_next_call_waits(pds: dict[str, Any]) -> None:
    reset = int(dt.datetime.now(dt.UTC).timestamp()) + 300
    headers = {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)}
    pds["app.bsky.actor.getProfile"] = [
        Reply(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, headers)
    ]
    account = Account(server_of(pds), token(60))
    with pytest.raises(ConnectorError) as caught:
        account.connector.verify()
    error = caught.value
    assert (error.status, error.permanent, error.rate_limited) == (429, False, True)
    assert error.retry_after is not None
    assert 290 < error.retry_after <= 300
    assert "RateLimitExceeded" in error.remote_message
    with pytest.raises(ConnectorError) as again:
        account.connector.verify()
    assert again.value.rate_limited
    assert len(server_of(pds).received) == 1  # refused before the network


def test_a_server_error_is_transient(pds: dict[str, Any]) -> None:
    pds["app.bsky.actor.getProfile"] = [Reply(502, {"error": "UpstreamFailure"})]
    with pytest.raises(ConnectorError) as caught:
        Account(server_of(pds), token(60)).connector.verify()
    assert (caught.value.permanent, caught.value.status) == (False, 502)


def test_a_validation_error_is_permanent_with_the_servers_words(pds: dict[str, Any]) -> None:
    pds["app.bsky.actor.getProfile"] = [
        Reply(400, {"error": "InvalidRequest", "message": "Record/text must not be longer"})
    ]
    with pytest.raises(ConnectorError) as caught:
        Account(server_of(pds), token(60)).connector.verify()
    assert caught.value.permanent
    assert "Record/text must not be longer" in caught.value.message
    assert not caught.value.needs_reconnect


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b"{pas du json", {"Content-Type": "application/json"}),
        Reply(200, {"handle": "mairie.test"}),  # no DID
        Reply(200, {"did": DID, "handle": "mairie.test", "followersCount": "beaucoup"}),
    ],
)
def test_garbage_is_an_invalid_response(pds: dict[str, Any], reply: Reply) -> None:
    pds["app.bsky.actor.getProfile"] = [reply]
    with pytest.raises(InvalidResponseError):
        Account(server_of(pds), token(60)).connector.verify()


def test_an_expired_access_token_is_renewed_before_the_call(pds: dict[str, Any]) -> None:
    fresh = token(120)
    pds["com.atproto.server.refreshSession"] = [
        Reply(
            200,
            {"did": DID, "handle": "mairie.test", "accessJwt": fresh, "refreshJwt": "refresh-2"},
        )
    ]
    pds["app.bsky.actor.getProfile"] = [Reply(200, PROFILE)]
    account = Account(server_of(pds), token(-5))
    account.connector.verify()
    refresh, profile = server_of(pds).received
    assert refresh.headers["authorization"] == "Bearer refresh-1"
    assert profile.headers["authorization"] == f"Bearer {fresh}"
    [saved] = account.credentials
    assert (saved["access_jwt"], saved["refresh_jwt"]) == (fresh, "refresh-2")


def test_a_refused_access_token_is_renewed_once_then_the_call_retried(pds: dict[str, Any]) -> None:
    fresh = token(120)
    pds["com.atproto.server.refreshSession"] = [
        Reply(
            200,
            {"did": DID, "handle": "mairie.test", "accessJwt": fresh, "refreshJwt": "refresh-2"},
        )
    ]
    pds["app.bsky.actor.getProfile"] = [
        Reply(400, {"error": "ExpiredToken", "message": "Token has expired"}),
        Reply(200, PROFILE),
    ]
    account = Account(server_of(pds), token(60))
    assert account.connector.verify().remote_id == DID
    assert [r.path.split("?")[0] for r in server_of(pds).received] == [
        "/xrpc/app.bsky.actor.getProfile",
        "/xrpc/com.atproto.server.refreshSession",
        "/xrpc/app.bsky.actor.getProfile",
    ]
    assert len(account.credentials) == 1


def test_a_refused_refresh_asks_for_reconnection(pds: dict[str, Any]) -> None:
    pds["com.atproto.server.refreshSession"] = [
        Reply(400, {"error": "ExpiredToken", "message": "Token has been revoked"})
    ]
    account = Account(server_of(pds), token(-5))
    with pytest.raises(ConnectorError) as caught:
        account.connector.verify()
    assert caught.value.needs_reconnect
    assert caught.value.permanent
    assert "reconnectez" in caught.value.message
    assert account.credentials == []


def test_a_token_still_refused_after_renewal_asks_for_reconnection(pds: dict[str, Any]) -> None:
    pds["com.atproto.server.refreshSession"] = [
        Reply(
            200, {"did": DID, "handle": "mairie.test", "accessJwt": token(120), "refreshJwt": "r"}
        )
    ]
    pds["app.bsky.actor.getProfile"] = [Reply(401, {"error": "AuthenticationRequired"})]
    with pytest.raises(ConnectorError) as caught:
        Account(server_of(pds), token(60)).connector.verify()
    assert caught.value.needs_reconnect


def test_an_unreachable_server_during_refresh_is_transient(pds: dict[str, Any]) -> None:
    pds["com.atproto.server.refreshSession"] = [Reply(503, {"error": "Unavailable"})]
    with pytest.raises(ConnectorError) as caught:
        Account(server_of(pds), token(-5)).connector.verify()
    assert not caught.value.permanent
    assert not caught.value.needs_reconnect


def test_disconnect_never_raises(pds: dict[str, Any]) -> None:
    pds["com.atproto.server.deleteSession"] = [Reply(500, {"error": "InternalServerError"})]
    account = Account(server_of(pds), token(60))
    account.connector.disconnect()
    [received] = server_of(pds).received
    assert received.headers["authorization"] == "Bearer refresh-1"


def test_a_post_not_yet_indexed_is_read_from_the_pds(pds: dict[str, Any]) -> None:
    uri = f"at://{DID}/app.bsky.feed.post/3kiurvhqzhi7u"
    pds["app.bsky.feed.getPosts"] = [Reply(200, {"posts": []})]
    pds["com.atproto.repo.getRecord"] = [
        Reply(
            200,
            {
                "uri": uri,
                "cid": "bafyreihfahs4gmdrrpcj37cyrrg55rj4t24crtbc6hxdsfhn7o5otbw7fi",
                "value": {
                    "$type": "app.bsky.feed.post",
                    "text": "Tout juste publié",
                    "createdAt": "2026-12-01T20:55:37.814Z",
                    "langs": ["fr"],
                },
            },
        )
    ]
    post = Account(server_of(pds), token(60)).connector.get_post(uri)
    assert post.text == "Tout juste publié"
    assert post.author.handle == "mairie.test"
    assert post.url == "https://bsky.app/profile/mairie.test/post/3kiurvhqzhi7u"
