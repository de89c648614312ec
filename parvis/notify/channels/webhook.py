"""Incoming webhooks: ``{"text": ...}`` as Mattermost, Slack and Rocket.Chat accept it.

With a secret, the body is signed: ``X-Parvis-Signature: sha256=<HMAC-SHA256 of the body>``.
A POST is not retried within the call (it could post twice); a transient failure is reported
so that the caller's background job decides.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from parvis.core import http
from parvis.notify.channels.base import Channel, left_out_attachments, plain_text
from parvis.notify.notification import Notification

SIGNATURE_HEADER = "X-Parvis-Signature"


class WebhookChannel(Channel):
    def deliver(self, notification: Notification) -> None:
        text = plain_text(notification, with_subject=True)
        left_out = left_out_attachments(notification)
        if left_out:
            text += f"\n\n{left_out}"
        body = json.dumps({"text": text}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json"}
        if self.config.secret:
            signature = hmac.new(self.config.secret.encode(), body, hashlib.sha256).hexdigest()
            headers[SIGNATURE_HEADER] = f"sha256={signature}"
        http.request("POST", self.config.target, content=body, headers=headers)
