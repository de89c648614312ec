"""Sending notifications: ``send`` for a channel row, ``notify_task`` for background jobs."""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.core.http import OutboundError
from parvis.jobs.errors import PermanentError, TransientError
from parvis.notify.channels import CHANNELS
from parvis.notify.models import NotificationChannel
from parvis.notify.notification import DeliveryError, Notification, Result

logger = logging.getLogger("parvis.notify")


def send(channel: NotificationChannel, notification: Notification) -> Result:
    """Deliver ``notification`` through ``channel``; never raises for a delivery failure.

    Call it outside a database transaction: it may wait on the network.
    """
    if not channel.is_active:
        return Result.failed(_("Ce canal de notification est désactivé."), permanent=True)
    implementation = CHANNELS.get(channel.kind)
    if implementation is None:
        return Result.failed(
            _("Type de canal inconnu : %(kind)s.") % {"kind": channel.kind}, permanent=True
        )
    try:
        implementation(channel).deliver(notification)
    except (DeliveryError, OutboundError) as error:
        result = Result.from_error(error)
        logger.warning(
            "notification to channel %s (%s) failed: %s", channel.pk, channel.kind, result.reason
        )
        return result
    return Result.ok()


def notify_task(channel_id: int, notification: dict[str, Any]) -> dict[str, Any]:
    """Send a notification given as ``Notification.to_dict()`` and record the outcome.

    Meant to be wrapped by a background task (ids and JSON in, JSON out). The returned
    ``Result.to_dict()`` says whether a transient failure should be retried, and after how long.
    """
    channel = NotificationChannel.objects.filter(pk=channel_id).first()
    if channel is None:
        return Result.failed(_("Canal de notification supprimé."), permanent=True).to_dict()
    result = send(channel, Notification.from_dict(notification))
    now = timezone.now()
    rows = NotificationChannel.objects.filter(pk=channel_id)
    if result.delivered:
        rows.update(last_delivered_at=now, last_error="")
    else:
        rows.update(last_error=result.reason, last_error_at=now)
    return result.to_dict()


def deliver_or_raise(channel_id: int, notification: Notification) -> dict[str, Any]:
    """``notify_task`` for a background job: a failure raises, so the worker retries or gives up.

    A transient failure raises :class:`TransientError` (retried with back-off, or after the
    delay the remote side asked for); any other raises :class:`PermanentError`.
    """
    result = notify_task(channel_id, notification.to_dict())
    if result["delivered"]:
        return result
    if result["permanent"]:
        raise PermanentError(result["reason"])
    raise TransientError(result["reason"], retry_after=result["retry_after"])
