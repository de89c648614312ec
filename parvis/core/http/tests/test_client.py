"""The httpx face and request(), against real servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import time
from typing import Any

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured

from parvis.core import http
from parvis.core.http import api
from parvis.core.http.errors import (
    AddressRefusedError,
    ConnectionFailedError,
    HTTPStatusError,
    OutboundTimeoutError,
    ResponseTooLargeError,
    TooManyRedirectsError,
)
from parvis.core.http.guard import Guard, parse_allowance
from parvis.core.http.policy import Policy
from parvis.core.http.tests.servers import Reply, free_port, replies, running, silent_server
from parvis.core.http.tests.test_guard import fake_resolver

TEN_MB = 10 * 1024 * 1024


def local_policy(*allowed: str, **overrides: Any) -> Policy:
    """A policy that lets calls reach the listed local addresses, with short timings."""
    options: dict[str, Any] = {
        "timeout": 1.0,
        "max_bytes": 1024 * 1024,
        "user_agent": "Parvis-test",
        "guard": Guard(allowance=parse_allowance(allowed or ["127.0.0.1"])),
        "backoff_base": 0.05,
    }
    options.update(overrides)
    return Policy(**options)


def test_a_local_server_is_reached_with_the_user_agent_and_the_allowance():
    with running(replies(Reply(body={"ok": True}))) as server:
        response = http.request("GET", f"{server.url}/hello", policy=local_policy())
    assert response.json() == {"ok": True}
    assert server.received[0].headers["user-agent"] == "Parvis-test"


def test_loopback_is_refused_without_the_allowance():
    with running() as server, pytest.raises(AddressRefusedError, match=r"127\.0\.0\.1") as refused:
        http.request("GET", server.url, policy=local_policy(guard=Guard()))
    assert server.received == []
    assert refused.value.permanent


def test_the_allowance_comes_from_the_settings(settings):
    with running() as server:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
        with pytest.raises(AddressRefusedError):
            http.request("GET", server.url)
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{server.port}"]
        assert http.request("GET", server.url).status_code == 200
        with http.client() as client:
            assert client.get(server.url).status_code == 200
    assert len(server.received) == 2


def test_an_allowance_on_another_port_does_not_open_this_one():
    with running() as server:
        policy = local_policy(f"127.0.0.1:{server.port + 1}")
        with pytest.raises(AddressRefusedError):
            http.request("GET", server.url, policy=policy)


@pytest.mark.parametrize(
    "host", ["2130706433", "0x7f.1", "[::ffff:127.0.0.1]", "localhost", "127.1"]
)
def test_disguised_loopback_forms_are_refused(host):
    with running() as server, pytest.raises(AddressRefusedError, match="loopback"):
        http.request("GET", f"http://{host}:{server.port}/", policy=local_policy(guard=Guard()))
    assert server.received == []


def test_an_octal_address_is_refused_as_invalid():
    # httpx itself rejects 0177.0.0.1; it never reaches the resolver.
    with pytest.raises(AddressRefusedError):
        http.request("GET", "http://0177.0.0.1/", policy=local_policy(guard=Guard()))


def test_the_connection_goes_to_the_vetted_address_and_keeps_the_host_name():
    with running() as server:
        guard = Guard(
            allowance=parse_allowance(["127.0.0.1"]),
            resolver=fake_resolver({"mastodon.test": ["127.0.0.1"]}),
        )
        http.request(
            "GET", f"http://mastodon.test:{server.port}/", policy=local_policy(guard=guard)
        )
    assert server.received[0].headers["host"] == f"mastodon.test:{server.port}"


def test_a_timeout_on_a_server_that_never_answers():
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(OutboundTimeoutError) as timed_out:
            http.request("POST", f"http://127.0.0.1:{port}/", policy=local_policy())
        elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 5
    assert not timed_out.value.permanent


def test_the_timeout_comes_from_the_settings(settings):
    settings.PARVIS_HTTP_TIMEOUT = 1
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = ["127.0.0.1"]
    with silent_server() as port, http.client() as client:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            client.get(f"http://127.0.0.1:{port}/")
    assert time.monotonic() - started < 5


def test_a_refused_connection_is_transient():
    with pytest.raises(ConnectionFailedError) as failed:
        http.request(
            "POST", f"http://127.0.0.1:{free_port()}/", policy=local_policy(max_attempts=1)
        )
    assert not failed.value.permanent


def test_a_body_larger_than_the_limit_is_refused_from_its_content_length():
    with (
        running(replies(Reply(body=b"x" * TEN_MB))) as server,
        pytest.raises(ResponseTooLargeError, match="Réponse trop volumineuse") as too_large,
    ):
        http.request("GET", server.url, policy=local_policy(max_bytes=64 * 1024))
    assert too_large.value.permanent


def test_a_streamed_body_larger_than_the_limit_is_cut_off():
    with running(replies(Reply(stream_bytes=TEN_MB))) as server:
        with pytest.raises(ResponseTooLargeError):
            http.request("GET", server.url, policy=local_policy(max_bytes=64 * 1024))
        with (
            http.client(policy=local_policy(max_bytes=64 * 1024)) as client,
            pytest.raises(ResponseTooLargeError),
        ):
            client.get(server.url)


def test_a_body_under_the_limit_passes():
    with running(replies(Reply(stream_bytes=65536 * 2))) as server:
        response = http.request("GET", server.url, policy=local_policy(max_bytes=65536 * 3))
    assert len(response.content) == 65536 * 2


def test_a_get_is_retried_after_a_503():
    script = replies(Reply(503, "busy"), Reply(200, {"ok": True}))
    with running(script) as server:
        response = http.request("GET", server.url, policy=local_policy())
    assert response.json() == {"ok": True}
    assert len(server.received) == 2


def test_a_post_is_not_retried_after_a_503():
    script = replies(Reply(503, {"error": "en maintenance"}), Reply(200))
    with running(script) as server, pytest.raises(HTTPStatusError) as failed:
        http.request("POST", server.url, json={"status": "Bonjour"}, policy=local_policy())
    assert len(server.received) == 1
    assert failed.value.status == 503
    assert not failed.value.permanent
    assert failed.value.remote_message == "en maintenance"
    assert "en maintenance" in failed.value.message_fr


def test_a_post_is_retried_when_the_caller_opts_in():
    with running(replies(Reply(503), Reply(201))) as server:
        response = http.request("POST", server.url, retry_unsafe=True, policy=local_policy())
    assert response.status_code == 201
    assert len(server.received) == 2


def test_retries_stop_after_the_last_attempt():
    with running(replies(Reply(502))) as server, pytest.raises(HTTPStatusError):
        http.request("GET", server.url, policy=local_policy(max_attempts=3))
    assert len(server.received) == 3


def test_a_client_error_is_permanent_and_not_retried():
    with (
        running(replies(Reply(404, {"error": "Record not found"}))) as server,
        pytest.raises(HTTPStatusError) as failed,
    ):
        http.request("GET", server.url, policy=local_policy())
    assert len(server.received) == 1
    assert failed.value.permanent
    assert "adresse introuvable" in failed.value.message_fr


def test_an_error_status_is_returned_when_the_caller_checks_it():
    with running(replies(Reply(404))) as server:
        response = http.request("GET", server.url, check_status=False, policy=local_policy())
    assert response.status_code == 404


def test_retry_after_is_honoured():
    script = replies(Reply(429, headers={"Retry-After": "1"}), Reply(200))
    with running(script) as server:
        started = time.monotonic()
        response = http.request("GET", server.url, policy=local_policy())
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert len(server.received) == 2
    assert 1.0 <= elapsed < 4


def test_a_retry_after_longer_than_the_policy_allows_is_left_to_the_caller():
    with running(replies(Reply(429, headers={"Retry-After": "3600"}))) as server:
        started = time.monotonic()
        with pytest.raises(HTTPStatusError) as limited:
            http.request("GET", server.url, policy=local_policy())
    assert time.monotonic() - started < 1
    assert limited.value.retry_after == 3600
    assert len(server.received) == 1


def test_an_exhausted_rate_limit_without_retry_after_waits_for_the_reset(monkeypatch):
    waits: list[float] = []
    monkeypatch.setattr(api, "sleep", waits.append)
    limited = Reply(429, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": "2"})
    with running(replies(limited, Reply(200))) as server:
        http.request("GET", server.url, policy=local_policy())
    assert len(waits) == 1
    assert 1 < waits[0] <= 2


def test_mastodon_rate_limit_headers_are_exposed_on_the_response():
    headers = {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": "12",
        "X-RateLimit-Reset": "2025-03-14T13:05:00.000Z",
    }
    with running(replies(Reply(headers=headers))) as server:
        response = http.request("GET", server.url, policy=local_policy())
    assert response.rate_limit is not None
    assert (response.rate_limit.limit, response.rate_limit.remaining) == (300, 12)
    assert response.rate_limit.reset_at is not None
    assert response.rate_limit.reset_at.isoformat() == "2025-03-14T13:05:00+00:00"


def test_bluesky_rate_limit_headers_are_exposed_on_the_client_response():
    headers = {
        "RateLimit-Limit": "3000",
        "RateLimit-Remaining": "0",
        "RateLimit-Reset": "1741957500",
    }
    with (
        running(replies(Reply(headers=headers))) as server,
        http.client(policy=local_policy()) as client,
    ):
        response = client.get(server.url)
    assert isinstance(response, http.OutboundResponse)
    assert response.rate_limit is not None
    assert response.rate_limit.exhausted
    assert response.rate_limit.reset_at is not None
    assert int(response.rate_limit.reset_at.timestamp()) == 1741957500


def test_a_redirect_to_a_private_address_is_refused():
    redirect = Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with running(replies(redirect)) as server:
        with pytest.raises(AddressRefusedError, match=r"169\.254\.169\.254"):
            http.request("GET", server.url, policy=local_policy(f"127.0.0.1:{server.port}"))
        with (
            http.client(policy=local_policy(f"127.0.0.1:{server.port}")) as client,
            pytest.raises(AddressRefusedError),
        ):
            client.get(server.url)


def test_a_redirect_to_another_local_port_is_refused_hop_by_hop():
    with running() as target, running() as server:
        server.handler = replies(Reply(301, headers={"Location": f"{target.url}/"}))
        with pytest.raises(AddressRefusedError):
            http.request("GET", server.url, policy=local_policy(f"127.0.0.1:{server.port}"))
    assert target.received == []


def test_redirects_are_followed_within_the_limit():
    with running() as server:
        server.handler = lambda received: (
            Reply(302, headers={"Location": "/done"})
            if received.path == "/"
            else Reply(200, "arrivé")
        )
        response = http.request("GET", f"{server.url}/", policy=local_policy())
    assert response.text == "arrivé"


def test_endless_redirects_stop_at_the_limit():
    with (
        running(replies(Reply(302, headers={"Location": "/again"}))) as server,
        pytest.raises(TooManyRedirectsError),
    ):
        http.request("GET", server.url, policy=local_policy(max_redirects=3))
    assert len(server.received) == 4


def test_credentials_in_the_url_are_refused():
    with running() as server, pytest.raises(AddressRefusedError, match="mot de passe"):
        http.request("GET", f"http://u:p@127.0.0.1:{server.port}/", policy=local_policy())
    assert server.received == []


def test_a_compressed_body_is_limited_once_decompressed():
    bomb = gzip.compress(b"\0" * TEN_MB)
    reply = Reply(body=bomb, headers={"Content-Encoding": "gzip"})
    policy = local_policy(max_bytes=256 * 1024)
    assert len(bomb) < policy.max_bytes
    with running(replies(reply)) as server:
        with pytest.raises(ResponseTooLargeError):
            http.request("GET", server.url, policy=policy)
        with pytest.raises(ResponseTooLargeError):
            http.session(policy=policy).get(server.url)


def test_proxies_from_the_environment_are_ignored(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://203.0.113.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://203.0.113.1:3128")
    with running() as server, http.client(policy=local_policy()) as client:
        assert client.get(server.url).status_code == 200


def test_a_bad_allowance_in_the_settings_names_the_variable(settings):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = ["127.0.0.1:99999"]
    with pytest.raises(ImproperlyConfigured, match="PARVIS_HTTP_ALLOWED_PRIVATE"):
        http.request("GET", "https://example.org/")
