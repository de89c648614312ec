"""The service around channels: notify_task, the channel model, the notification payload."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from parvis.core.http.tests.servers import Reply
from parvis.notify.models import ChannelKind, NotificationChannel
from parvis.notify.notification import Attachment, Notification
from parvis.notify.service import notify_task, send

pytestmark = pytest.mark.django_db

NOTE = Notification(
    subject="Question sur l'état civil",
    text="Un habitant demande les horaires.",
    attachments=(Attachment("capture.png", b"\x89PNG", "image/png"),),
    key="inbox-7",
)


@pytest.fixture
def webhook(organisation, http_recorder):
    return NotificationChannel.objects.create(
        organisation=organisation,
        kind=ChannelKind.WEBHOOK,
        name="Webhook",
        target=f"{http_recorder.url}/hook",
        secret="s3cret",
    )


def test_a_notification_survives_its_json_form():
    assert Notification.from_dict(NOTE.to_dict()) == NOTE


def test_notify_task_delivers_and_records_the_delivery(http_recorder, webhook):
    result = notify_task(webhook.pk, NOTE.to_dict())

    assert result == {"delivered": True, "reason": "", "permanent": False, "retry_after": None}
    webhook.refresh_from_db()
    assert webhook.last_delivered_at is not None
    assert webhook.last_error == ""


def test_notify_task_records_the_last_error(http_recorder, webhook):
    http_recorder.handler = lambda _r: Reply(429, {"message": "slow down"}, {"Retry-After": "90"})

    result = notify_task(webhook.pk, NOTE.to_dict())

    assert result["delivered"] is False
    assert result["permanent"] is False
    assert result["retry_after"] == 90
    webhook.refresh_from_db()
    assert "slow down" in webhook.last_error
    assert webhook.last_error_at is not None


def test_notify_task_on_a_deleted_channel_is_a_permanent_failure():
    assert notify_task(123456, NOTE.to_dict())["permanent"] is True


def test_an_inactive_channel_sends_nothing(http_recorder, webhook):
    webhook.is_active = False
    result = send(webhook, NOTE)
    assert result.permanent
    assert http_recorder.received == []


def test_the_secret_is_encrypted_at_rest(webhook):
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notify_notificationchannel WHERE id = %s", [webhook.pk])
        [stored] = cursor.fetchone()
    assert "s3cret" not in stored
    assert NotificationChannel.objects.get(pk=webhook.pk).secret == "s3cret"


def test_a_matrix_channel_needs_a_room_and_a_token(organisation):
    channel = NotificationChannel(
        organisation=organisation,
        kind=ChannelKind.MATRIX,
        name="Tchap",
        target="https://matrix.agent.tchap.gouv.fr",
        room="cabinet",
    )
    with pytest.raises(ValidationError) as invalid:
        channel.full_clean()
    assert set(invalid.value.message_dict) == {"room", "secret"}


def test_an_email_channel_needs_an_email_address(organisation):
    channel = NotificationChannel(
        organisation=organisation, kind=ChannelKind.EMAIL, name="Com", target="pas-une-adresse"
    )
    with pytest.raises(ValidationError) as invalid:
        channel.full_clean()
    assert set(invalid.value.message_dict) == {"target"}
