"""Settings > Notifications: an administrator adds, tests, edits and removes channels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import raw_column
from parvis.audit.models import AuditEvent
from parvis.core.http.tests.servers import Reply
from parvis.notify.models import ChannelKind, NotificationChannel

pytestmark = pytest.mark.django_db

TOKEN = "syt_c2VjcmV0_tchap-token-value"


def url(name: str, organisation, **kwargs: object) -> str:
    return reverse(f"notify:{name}", kwargs={"org": organisation.slug, **kwargs})


def add_matrix_channel(client, organisation, homeserver: str) -> NotificationChannel:
    response = client.post(
        url("channel_create", organisation),
        {
            "name": "Salon du cabinet",
            "kind": ChannelKind.MATRIX,
            "target": homeserver,
            "room": "#cabinet:agent.tchap.gouv.fr",
            "secret": TOKEN,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return NotificationChannel.objects.get(organisation=organisation, name="Salon du cabinet")


def test_an_admin_adds_a_tchap_room_whose_token_is_never_shown(client, admin, organisation):
    client.force_login(admin)
    channel = add_matrix_channel(client, organisation, "https://matrix.agent.tchap.gouv.fr")

    assert channel.secret == TOKEN
    assert TOKEN not in raw_column(channel, "secret")
    page = client.get(url("channels", organisation)).content.decode()
    assert "Salon du cabinet" in page
    assert "#cabinet:agent.tchap.gouv.fr" in page
    assert TOKEN not in page
    assert (
        TOKEN not in client.get(url("channel_edit", organisation, pk=channel.pk)).content.decode()
    )
    event = AuditEvent.objects.get(action="notification_channel.created")
    assert event.after is not None
    assert event.after["with_credential"] is True
    assert TOKEN not in str(event.after)


def test_a_tchap_room_needs_its_room_and_token(client, admin, organisation):
    client.force_login(admin)
    response = client.post(
        url("channel_create", organisation),
        {"name": "Tchap", "kind": ChannelKind.MATRIX, "target": "https://matrix.test", "room": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Le jeton d&#x27;accès Matrix est obligatoire." in page
    assert "Saisissez l&#x27;identifiant (!abc:serveur)" in page
    assert not NotificationChannel.objects.exists()


def test_leaving_the_secret_blank_keeps_it_and_typing_one_replaces_it(client, admin, organisation):
    client.force_login(admin)
    channel = add_matrix_channel(client, organisation, "https://matrix.agent.tchap.gouv.fr")
    form = {
        "name": "Salon du cabinet du maire",
        "kind": ChannelKind.MATRIX,
        "target": "https://matrix.agent.tchap.gouv.fr",
        "room": "#cabinet:agent.tchap.gouv.fr",
        "secret": "",
        "is_active": "on",
    }

    client.post(url("channel_edit", organisation, pk=channel.pk), form)
    channel.refresh_from_db()
    assert channel.name == "Salon du cabinet du maire"
    assert channel.secret == TOKEN

    client.post(url("channel_edit", organisation, pk=channel.pk), {**form, "secret": "nouveau"})
    channel.refresh_from_db()
    assert channel.secret == "nouveau"
    replaced = AuditEvent.objects.filter(action="notification_channel.updated").order_by("pk")
    assert [(event.after or {})["credential_replaced"] for event in replaced] == [False, True]


def test_a_test_message_reaches_the_webhook_and_its_success_is_shown(
    client, admin, organisation, http_recorder, jobs_run_on_commit
):
    channel = NotificationChannel.objects.create(
        organisation=organisation,
        kind=ChannelKind.WEBHOOK,
        name="Mattermost com",
        target=f"{http_recorder.url}/hooks/abc",
    )
    client.force_login(admin)

    with jobs_run_on_commit():
        client.post(url("channel_test", organisation, pk=channel.pk))

    [request] = http_recorder.received
    text = request.json()["text"]
    assert "Message d'essai de Parvis" in text
    assert "Commune de Test" in text
    assert "Alice" in text
    assert f"/o/{organisation.slug}/parametres/notifications/" in text
    page = client.get(url("channels", organisation)).content.decode()
    assert "Réussi le" in page
    assert AuditEvent.objects.filter(action="notification_channel.tested").count() == 1


def test_a_failed_test_message_shows_its_reason(
    client, admin, organisation, http_recorder, jobs_run_on_commit
):
    http_recorder.handler = lambda _r: Reply(404, {"message": "Unable to find the hook"})
    channel = NotificationChannel.objects.create(
        organisation=organisation,
        kind=ChannelKind.WEBHOOK,
        name="Mattermost com",
        target=f"{http_recorder.url}/hooks/abc",
    )
    client.force_login(admin)

    with jobs_run_on_commit():
        client.post(url("channel_test", organisation, pk=channel.pk))

    channel.refresh_from_db()
    assert channel.last_attempt_failed
    page = client.get(url("channels", organisation)).content.decode()
    assert "Échec le" in page
    assert "Unable to find the hook" in page


def test_an_admin_deletes_a_channel(client, admin, organisation):
    channel = NotificationChannel.objects.create(
        organisation=organisation, kind=ChannelKind.EMAIL, name="Cabinet", target="cab@test.fr"
    )
    client.force_login(admin)
    assert (
        "Cabinet ne recevra plus"
        in client.get(url("channel_delete", organisation, pk=channel.pk)).content.decode()
    )

    client.post(url("channel_delete", organisation, pk=channel.pk))

    assert not NotificationChannel.objects.exists()
    deleted = AuditEvent.objects.get(action="notification_channel.deleted")
    assert (deleted.before or {})["name"] == "Cabinet"


def test_a_test_message_cannot_be_sent_with_get(client, admin, organisation):
    channel = NotificationChannel.objects.create(
        organisation=organisation, kind=ChannelKind.EMAIL, name="Cabinet", target="cab@test.fr"
    )
    client.force_login(admin)
    assert client.get(url("channel_test", organisation, pk=channel.pk)).status_code == 405
