"""Matrix/Tchap channel, against a local server playing the homeserver."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from parvis.core.http.tests.servers import Reply
from parvis.notify.models import ChannelKind, NotificationChannel
from parvis.notify.notification import Attachment, Notification
from parvis.notify.service import send

pytestmark = pytest.mark.django_db

TOKEN = "syt_cGFydmlz_secret"
ROOM = "!escalades:agent.tchap.gouv.fr"

ESCALATION = Notification(
    subject="Escalade : demande de journaliste",
    text="Un journaliste demande une interview sur les travaux.",
    html="<p>Un journaliste demande une <em>interview</em> sur les travaux.</p>",
    link="https://parvis.commune.test/escalades/42",
    key="escalation-42",
)


@pytest.fixture
def channel(organisation, http_recorder):
    return NotificationChannel.objects.create(
        organisation=organisation,
        kind=ChannelKind.MATRIX,
        name="Salon Tchap du cabinet",
        target=http_recorder.url,
        room=ROOM,
        secret=TOKEN,
    )


def test_a_message_is_put_in_the_room_with_the_token(http_recorder, channel):
    http_recorder.handler = lambda _r: Reply(200, {"event_id": "$evt"})

    result = send(channel, ESCALATION)

    assert result.delivered, result.reason
    [request] = http_recorder.received
    assert request.method == "PUT"
    prefix = f"/_matrix/client/v3/rooms/{quote(ROOM, safe='')}/send/m.room.message/"
    assert request.path.startswith(prefix)
    assert request.path[len(prefix) :].startswith("parvis-")
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    body = request.json()
    assert body["msgtype"] == "m.text"
    assert body["body"].startswith("Escalade : demande de journaliste\n\n")
    assert "https://parvis.commune.test/escalades/42" in body["body"]
    assert body["format"] == "org.matrix.custom.html"
    assert "<em>interview</em>" in body["formatted_body"]


def test_the_transaction_id_is_the_same_when_a_notification_is_sent_again(http_recorder, channel):
    send(channel, ESCALATION)
    send(channel, ESCALATION)
    send(channel, Notification(**{**ESCALATION.__dict__, "key": "escalation-43"}))

    first, again, other = (r.path for r in http_recorder.received)
    assert first == again
    assert other != first


def test_a_transient_503_is_retried_with_the_same_transaction_id(http_recorder, channel):
    answers = iter([Reply(503), Reply(200, {"event_id": "$evt"})])
    http_recorder.handler = lambda _r: next(answers)

    assert send(channel, ESCALATION).delivered
    first, second = http_recorder.received
    assert first.path == second.path


def test_a_room_alias_is_resolved_then_url_encoded(http_recorder, channel):
    channel.room = "#cabinet:agent.tchap.gouv.fr"
    http_recorder.handler = lambda r: Reply(
        200, {"room_id": ROOM} if "/directory/room/" in r.path else {"event_id": "$e"}
    )

    assert send(channel, ESCALATION).delivered

    lookup, message = http_recorder.received
    assert lookup.method == "GET"
    assert lookup.path == "/_matrix/client/v3/directory/room/%23cabinet%3Aagent.tchap.gouv.fr"
    assert message.path.startswith(f"/_matrix/client/v3/rooms/{quote(ROOM, safe='')}/send/")


def test_a_text_only_notification_is_sent_without_html(http_recorder, channel):
    send(channel, Notification(subject="Question", text="Horaires de la mairie ?"))
    body = http_recorder.received[0].json()
    assert body == {"msgtype": "m.text", "body": "Question\n\nHoraires de la mairie ?"}


def test_attachments_are_named_since_matrix_cannot_carry_them(http_recorder, channel):
    notification = Notification(
        subject="Rapport", text="Voir pièce jointe.", attachments=(Attachment("r.pdf", b"x"),)
    )
    send(channel, notification)
    body = http_recorder.received[0].json()
    assert "Pièce jointe non transmise sur ce canal : r.pdf" in body["body"]


def test_a_revoked_token_is_a_permanent_failure_with_a_clear_reason(http_recorder, channel):
    http_recorder.handler = lambda _r: Reply(
        401, {"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token passed."}
    )

    result = send(channel, ESCALATION)

    assert not result.delivered
    assert result.permanent
    assert "401" in result.reason
    assert "vérifiez le jeton d'accès" in result.reason
    assert "Invalid access token passed." in result.reason
    assert len(http_recorder.received) == 1


def test_a_homeserver_that_stays_unavailable_is_a_transient_failure(
    http_recorder, channel, monkeypatch
):
    from parvis.core.http import api

    monkeypatch.setattr(api, "sleep", lambda _seconds: None)
    http_recorder.handler = lambda _r: Reply(503, "Service Unavailable")

    result = send(channel, ESCALATION)

    assert not result.delivered
    assert result.transient
    assert "503" in result.reason


def test_a_homeserver_on_a_private_address_is_refused(settings, channel):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    result = send(channel, ESCALATION)
    assert result.permanent
    assert "Adresse refusée" in result.reason
