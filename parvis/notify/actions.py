"""Every change to an organisation's notification channels: one transaction, one audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.jobs.api import enqueue_after_commit
from parvis.notify.models import NotificationChannel
from parvis.notify.tasks import send_test_notification
from parvis.organisations.models import Organisation


def _state(channel: NotificationChannel) -> dict[str, Any]:
    # Whether a secret is stored, never the secret (nor a key the audit log would mask).
    return {
        "name": channel.name,
        "kind": channel.kind,
        "target": channel.target,
        "room": channel.room,
        "is_active": channel.is_active,
        "with_credential": bool(channel.secret),
    }


@transaction.atomic
def do_create_channel(
    organisation: Organisation, *, actor: User, values: dict[str, Any]
) -> NotificationChannel:
    channel = NotificationChannel.objects.create(organisation=organisation, **values)
    record(
        organisation=organisation,
        actor=actor,
        action="notification_channel.created",
        target=channel,
        after=_state(channel),
        summary=str(_("Canal de notification ajouté : %(name)s")) % {"name": channel.name},
    )
    return channel


@transaction.atomic
def do_update_channel(
    organisation: Organisation, *, actor: User, channel_id: int, values: dict[str, Any]
) -> NotificationChannel:
    channel = NotificationChannel.objects.select_for_update().get(
        pk=channel_id, organisation=organisation
    )
    before = _state(channel)
    secret_changed = values.get("secret") != channel.secret
    for field, value in values.items():
        setattr(channel, field, value)
    channel.save()
    after = _state(channel)
    if after != before or secret_changed:
        record(
            organisation=organisation,
            actor=actor,
            action="notification_channel.updated",
            target=channel,
            before=before,
            after={**after, "credential_replaced": secret_changed},
            summary=str(_("Canal de notification modifié : %(name)s")) % {"name": channel.name},
        )
    return channel


@transaction.atomic
def do_delete_channel(organisation: Organisation, *, actor: User, channel_id: int) -> None:
    channel = NotificationChannel.objects.select_for_update().get(
        pk=channel_id, organisation=organisation
    )
    record(
        organisation=organisation,
        actor=actor,
        action="notification_channel.deleted",
        target=channel,
        before=_state(channel),
        summary=str(_("Canal de notification supprimé : %(name)s")) % {"name": channel.name},
    )
    channel.delete()


@transaction.atomic
def do_send_test(organisation: Organisation, *, actor: User, channel_id: int) -> None:
    """Send a test message in the background; its outcome shows on the channel's row."""
    channel = NotificationChannel.objects.get(pk=channel_id, organisation=organisation)
    record(
        organisation=organisation,
        actor=actor,
        action="notification_channel.tested",
        target=channel,
        summary=str(_("Message d'essai envoyé sur %(name)s")) % {"name": channel.name},
    )
    enqueue_after_commit(send_test_notification, channel.pk, actor.pk)
