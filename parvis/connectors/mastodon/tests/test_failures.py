"""What each kind of failure of an instance becomes: one clear ConnectorError, never a crash.

The error bodies are Mastodon's (as in the recordings: ``{"error": "..."}``); a local server
plays the failing instance.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest

from parvis.connectors.base import AccountAccess, Draft, MediaFile
from parvis.connectors.errors import ConnectorError
from parvis.connectors.mastodon.connector import MastodonConnector
from parvis.core.http import RateLimit
from parvis.core.http.tests.servers import RecordingServer, Reply, running, silent_server

from .replay import load

STATUS = load("test_status")[1]  # a real status, as Mastodon 4.6 sent it


@pytest.fixture
def instance(settings) -> Iterator[RecordingServer]:
    with running() as server:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{server.port}"]
        yield server


def connector_for(url: str, **access: object) -> MastodonConnector:
    return MastodonConnector(
        AccountAccess(
            service_url=url,
            remote_id="1",
            credentials={"access_token": "t", "version": "4.6.4"},
            **access,  # type: ignore[arg-type]
        )
    )


def failure(server: RecordingServer, reply: Reply) -> ConnectorError:
    server.handler = lambda _received: reply
    with pytest.raises(ConnectorError) as caught:
        connector_for(server.url).get_post("117020583223442465")
    return caught.value


def test_a_revoked_token_asks_for_a_reconnection(instance):
    error = failure(instance, Reply(401, {"error": "The access token is invalid"}))
    assert error.needs_reconnect
    assert error.permanent
    assert "reconnectez" in error.message
    assert error.remote_message == "The access token is invalid"


def test_a_rate_limit_says_when_to_try_again(instance):
    reset = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3)).isoformat()
    error = failure(
        instance,
        Reply(
            429,
            {"error": "Too many requests"},
            {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
        ),
    )
    assert not error.permanent
    assert error.rate_limited
    assert error.retry_after is not None
    assert 150 < error.retry_after <= 181  # from the reset, to the second of the Date header


def test_an_exhausted_quota_is_honoured_before_the_next_call(instance):
    reset_at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=2)
    connector = connector_for(
        instance.url, rate_limit=RateLimit(limit=300, remaining=0, reset_at=reset_at)
    )
    with pytest.raises(ConnectorError) as caught:
        connector.get_post("1")
    assert caught.value.rate_limited
    assert instance.received == []  # nothing was sent


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_transient(instance, status):
    error = failure(instance, Reply(status, {"error": "Something went wrong"}))
    assert not error.permanent
    assert error.status == status


def test_a_validation_error_is_permanent_with_the_instance_s_words(instance):
    instance.handler = lambda _r: Reply(
        422, {"error": "Validation failed: Text character limit of 500 exceeded"}
    )
    with pytest.raises(ConnectorError) as caught:
        connector_for(instance.url).publish(Draft("x" * 600), idempotency_key="k")
    assert caught.value.permanent
    assert "character limit" in caught.value.message


def test_malformed_json_is_an_error_not_a_crash(instance):
    error = failure(
        instance, Reply(200, b'{"id": "1", "content": ', {"Content-Type": "application/json"})
    )
    assert not error.permanent


def test_json_of_the_wrong_shape_is_refused_at_the_edge(instance):
    error = failure(instance, Reply(200, {"id": "1", "content": "<p>sans auteur</p>"}))
    assert "API" in error.message
    assert "validation error" in error.remote_message


def test_hostile_html_in_a_status_is_sanitised(instance):
    status = json.loads(STATUS.body)
    status["content"] = (
        '<p>Bonjour <script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">ici'
        "</a> <img src=x onerror=alert(3)><b>gras<p>cassé"
    )
    instance.handler = lambda _r: Reply(200, status)

    post = connector_for(instance.url).get_post(status["id"])

    assert "script" not in post.html
    assert "javascript:" not in post.html
    assert "onclick" not in post.html
    assert "onerror" not in post.html
    assert "<b>gras" in post.html
    assert post.text.startswith("Bonjour")
    assert "alert(1)" not in post.text


def test_a_50_mb_answer_is_refused(instance, settings):
    error = failure(instance, Reply(200, b"", {"Content-Length": str(50 * 1024 * 1024)}))
    assert error.permanent
    assert "volumineuse" in error.message


def test_an_endless_answer_is_cut_off(instance, settings):
    settings.PARVIS_HTTP_MAX_BYTES = 1024 * 1024
    error = failure(
        instance,
        Reply(200, b"", {"Content-Type": "application/json"}, stream_bytes=8 * 1024 * 1024),
    )
    assert "volumineuse" in error.message


def test_a_stalled_instance_times_out(settings):
    settings.PARVIS_HTTP_TIMEOUT = 1
    with silent_server() as port:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{port}"]
        with pytest.raises(ConnectorError) as caught:
            connector_for(f"http://127.0.0.1:{port}").get_post("1")
    assert not caught.value.permanent
    assert "à temps" in caught.value.message


def test_a_private_address_is_refused_without_the_allowance(settings):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    with pytest.raises(ConnectorError) as caught:
        connector_for("http://127.0.0.1:9").get_post("1")
    assert caught.value.permanent
    assert "refusée" in caught.value.message


def test_a_video_still_processing_is_waited_for_before_posting(instance, monkeypatch):
    uploaded = json.loads(load("test_media_post_file")[0].body)
    processing = {**uploaded, "url": None}
    answers = {
        ("POST", "/api/v2/media"): [Reply(202, processing)],
        ("GET", f"/api/v1/media/{uploaded['id']}"): [Reply(206, processing), Reply(200, uploaded)],
        ("POST", "/api/v1/statuses"): [Reply(200, json.loads(STATUS.body))],
    }
    instance.handler = lambda r: answers[(r.method, r.path.split("?")[0])].pop(0)
    monkeypatch.setattr("parvis.connectors.mastodon.connector.time.sleep", lambda _s: None)
    video = MediaFile(b"\x00\x00\x00\x18ftypmp42", "video/mp4", "clip.mp4", alt_text="Le chantier")

    connector_for(instance.url).publish(Draft("La vidéo", media=(video,)), idempotency_key="v")

    assert [f"{r.method} {r.path}" for r in instance.received] == [
        "POST /api/v2/media",
        f"GET /api/v1/media/{uploaded['id']}",
        f"GET /api/v1/media/{uploaded['id']}",
        "POST /api/v1/statuses",
    ]
