"""Background work of the notifier: tasks take ids and are enqueued after commit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.core.links import absolute_url
from parvis.jobs.api import parvis_task
from parvis.jobs.errors import PermanentError
from parvis.notify.models import NotificationChannel
from parvis.notify.notification import Notification
from parvis.notify.service import deliver_or_raise


@parvis_task(max_attempts=3)
def send_test_notification(channel_id: int, requested_by_id: int | None) -> dict[str, Any]:
    """Check a channel end to end with a message that says who asked for it."""
    channel = (
        NotificationChannel.objects.select_related("organisation").filter(pk=channel_id).first()
    )
    if channel is None:
        raise PermanentError(_("Canal de notification supprimé."))
    person = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    organisation = channel.organisation
    with translation.override(settings.LANGUAGE_CODE):
        notification = Notification(
            subject=_("Message d'essai de %(instance)s")
            % {"instance": settings.PARVIS_INSTANCE_NAME},
            text=_(
                "Ce canal reçoit les notifications de %(organisation)s. Message d'essai "
                "demandé par %(person)s."
            )
            % {
                "organisation": organisation.name,
                "person": person.display_name if person else _("un administrateur"),
            },
            link=absolute_url("notify:channels", org=organisation.slug),
            key=f"test-{channel_id}",
        )
    return deliver_or_raise(channel_id, notification)
