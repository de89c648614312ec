"""Matrix and Tchap rooms through the client-server API.

The message is sent with ``PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}``;
the transaction id comes from the notification, so a retry (in the call or by a background job)
is recognised by the homeserver and not posted twice. An alias (``#name:server``) is resolved
to its room id first.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from parvis.core import http
from parvis.notify.channels.base import Channel, html_link, left_out_attachments, plain_text
from parvis.notify.notification import DeliveryError, Notification

API = "/_matrix/client/v3"


class MatrixChannel(Channel):
    supports_html = True

    def _url(self, path: str) -> str:
        return self.config.target.rstrip("/") + API + path

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.config.secret}"}

    def room_id(self) -> str:
        room = self.config.room.strip()
        if not room.startswith("#"):
            return room
        response = http.request(
            "GET", self._url(f"/directory/room/{quote(room, safe='')}"), headers=self._headers()
        )
        room_id = response.json().get("room_id") if response.content else None
        if not isinstance(room_id, str) or not room_id:
            raise DeliveryError(
                _("Le salon %(room)s est introuvable sur le serveur Matrix.") % {"room": room},
                permanent=True,
            )
        return room_id

    def content(self, notification: Notification) -> dict[str, Any]:
        body = plain_text(notification, with_subject=True)
        left_out = left_out_attachments(notification)
        if left_out:
            body += f"\n\n{left_out}"
        content: dict[str, Any] = {"msgtype": "m.text", "body": body}
        if notification.html or left_out:
            html = f"<p><strong>{escape(notification.subject)}</strong></p>"
            html += notification.html or linebreaks(escape(notification.text))
            if notification.link:
                html += html_link(notification.link)
            if left_out:
                html += f"<p><em>{escape(left_out)}</em></p>"
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = html
        return content

    def deliver(self, notification: Notification) -> None:
        txn_id = notification.idempotency_key(self.config.pk)
        path = (
            f"/rooms/{quote(self.room_id(), safe='')}/send/m.room.message/{quote(txn_id, safe='')}"
        )
        # PUT is idempotent with the same transaction id: request() may retry it safely.
        http.request(
            "PUT", self._url(path), json=self.content(notification), headers=self._headers()
        )
