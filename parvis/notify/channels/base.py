"""The interface every channel implements, and helpers they share."""

from __future__ import annotations

from typing import ClassVar

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.notify.models import NotificationChannel
from parvis.notify.notification import Notification


class Channel:
    """Delivers a notification to one configured destination, or raises.

    Raises :class:`~parvis.notify.notification.DeliveryError` or
    :class:`~parvis.core.http.OutboundError`; the service turns both into a result.
    """

    supports_html: ClassVar[bool] = False
    supports_attachments: ClassVar[bool] = False

    def __init__(self, config: NotificationChannel) -> None:
        self.config = config

    def deliver(self, notification: Notification) -> None:
        raise NotImplementedError


def plain_text(notification: Notification, *, with_subject: bool) -> str:
    """The text of a notification, its subject on top and its link below."""
    parts = [notification.subject] if with_subject else []
    parts.append(notification.text)
    if notification.link:
        parts.append(notification.link)
    return "\n\n".join(part for part in parts if part)


def left_out_attachments(notification: Notification) -> str:
    """A sentence naming the attachments a chat channel cannot carry, or an empty string."""
    if not notification.attachments:
        return ""
    names = ", ".join(a.filename for a in notification.attachments)
    return ngettext(
        "Pièce jointe non transmise sur ce canal : %(names)s",
        "Pièces jointes non transmises sur ce canal : %(names)s",
        len(notification.attachments),
    ) % {"names": names}


def html_link(link: str) -> str:
    return f'<p><a href="{escape(link)}">{escape(_("Ouvrir dans Parvis"))}</a></p>'
