"""The requests face (Mastodon.py's transport), against real servers on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
import requests

from parvis.core import http
from parvis.core.http.errors import AddressRefusedError, ResponseTooLargeError
from parvis.core.http.guard import Guard, parse_allowance
from parvis.core.http.tests.servers import Reply, replies, running, silent_server
from parvis.core.http.tests.test_client import TEN_MB, local_policy
from parvis.core.http.tests.test_guard import fake_resolver


def test_a_local_server_is_reached_with_the_allowance_and_the_user_agent():
    with running(replies(Reply(body={"ok": True}))) as server:
        response = http.session(policy=local_policy()).get(server.url)
    assert response.json() == {"ok": True}
    assert server.received[0].headers["user-agent"] == "Parvis-test"


def test_loopback_is_refused_without_the_allowance(settings):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    with running() as server, pytest.raises(AddressRefusedError):
        http.session().get(server.url)
    assert server.received == []


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "[::ffff:127.0.0.1]", "localhost"])
def test_disguised_loopback_forms_are_refused(host):
    with running() as server, pytest.raises(AddressRefusedError):
        http.session(policy=local_policy(guard=Guard())).get(f"http://{host}:{server.port}/")
    assert server.received == []


def test_the_connection_goes_to_the_vetted_address_and_keeps_the_host_name():
    guard = Guard(
        allowance=parse_allowance(["127.0.0.1"]),
        resolver=fake_resolver({"mastodon.test": ["127.0.0.1"]}),
    )
    with running() as server:
        http.session(policy=local_policy(guard=guard)).get(f"http://mastodon.test:{server.port}/")
    assert server.received[0].headers["host"] == f"mastodon.test:{server.port}"


def test_a_redirect_to_a_private_address_is_refused():
    redirect = Reply(302, headers={"Location": "http://10.0.0.1/admin"})
    with (
        running(replies(redirect)) as server,
        pytest.raises(AddressRefusedError, match=r"10\.0\.0\.1"),
    ):
        http.session(policy=local_policy(f"127.0.0.1:{server.port}")).get(server.url)


def test_endless_redirects_stop_at_the_limit():
    with (
        running(replies(Reply(302, headers={"Location": "/again"}))) as server,
        pytest.raises(requests.TooManyRedirects),
    ):
        http.session(policy=local_policy(max_redirects=3)).get(server.url)
    assert len(server.received) == 4


def test_a_body_larger_than_the_limit_is_refused():
    session = http.session(policy=local_policy(max_bytes=64 * 1024))
    for reply in (Reply(body=b"x" * TEN_MB), Reply(stream_bytes=TEN_MB)):
        with running(replies(reply)) as server, pytest.raises(ResponseTooLargeError):
            session.get(server.url)


def test_the_policy_timeout_applies_when_the_caller_gives_none():
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(requests.ReadTimeout):
            http.session(policy=local_policy()).get(f"http://127.0.0.1:{port}/")
    assert time.monotonic() - started < 5


def test_credentials_and_other_schemes_are_refused():
    session = http.session(policy=local_policy())
    with pytest.raises(AddressRefusedError):
        session.get("http://user:secret@127.0.0.1:1/")
    with pytest.raises(requests.exceptions.InvalidSchema):
        session.get("file:///etc/passwd")


def test_proxies_from_the_environment_are_ignored(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://203.0.113.1:3128")
    with running() as server:
        assert http.session(policy=local_policy()).get(server.url).status_code == 200
