"""Generic webhook channel (Mattermost, Slack, Rocket.Chat), against a local receiver."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from parvis.core.http.tests.servers import Reply
from parvis.notify.models import ChannelKind, NotificationChannel
from parvis.notify.notification import Notification
from parvis.notify.service import send

pytestmark = pytest.mark.django_db

ALERT = Notification(
    subject="Pic de mentions négatives",
    text="42 mentions négatives en une heure sur #travaux.",
    link="https://parvis.commune.test/veille",
)


@pytest.fixture
def channel(organisation, http_recorder):
    return NotificationChannel.objects.create(
        organisation=organisation,
        kind=ChannelKind.WEBHOOK,
        name="Mattermost de la com",
        target=f"{http_recorder.url}/hooks/abc123",
    )


def test_the_text_is_posted_as_mattermost_json(http_recorder, channel):
    assert send(channel, ALERT).delivered

    [request] = http_recorder.received
    assert (request.method, request.path) == ("POST", "/hooks/abc123")
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "text": "Pic de mentions négatives\n\n42 mentions négatives en une heure sur #travaux."
        "\n\nhttps://parvis.commune.test/veille"
    }
    assert "x-parvis-signature" not in request.headers


def test_with_a_secret_the_body_is_signed(http_recorder, channel):
    channel.secret = "webhook-secret"
    send(channel, ALERT)
    [request] = http_recorder.received
    expected = hmac.new(b"webhook-secret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-parvis-signature"] == f"sha256={expected}"


def test_a_503_is_transient_and_the_post_is_not_repeated(http_recorder, channel):
    http_recorder.handler = lambda _r: Reply(503, "maintenance")
    result = send(channel, ALERT)
    assert result.transient
    assert len(http_recorder.received) == 1


def test_a_404_is_permanent(http_recorder, channel):
    http_recorder.handler = lambda _r: Reply(404, "no such hook")
    result = send(channel, ALERT)
    assert result.permanent
    assert "no such hook" in result.reason
