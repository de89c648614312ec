"""What a notification is, and what sending it gave: plain data, no Django models."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from parvis.core.http import OutboundError


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


@dataclass(frozen=True)
class Notification:
    """One message to people: a subject, a text, and optionally HTML, a link and attachments.

    ``key`` tells two notifications with the same content apart (for instance "escalation-42");
    together with the content it makes the idempotency key, so that a retry of the same
    notification is recognised by the receiving side (Matrix transaction id) and not posted twice.
    """

    subject: str
    text: str
    html: str | None = None
    link: str | None = None
    attachments: tuple[Attachment, ...] = ()
    key: str = ""

    def idempotency_key(self, channel_id: int | None) -> str:
        digest = hashlib.sha256()
        for part in (str(channel_id), self.key, self.subject, self.text, self.html, self.link):
            digest.update((part or "").encode())
            digest.update(b"\0")
        for attachment in self.attachments:
            digest.update(attachment.filename.encode() + b"\0")
            digest.update(hashlib.sha256(attachment.content).digest())
        return f"parvis-{digest.hexdigest()[:40]}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form, for background jobs (attachments in base64)."""
        data = asdict(self)
        data["attachments"] = [
            {
                "filename": a.filename,
                "content": base64.b64encode(a.content).decode(),
                "mimetype": a.mimetype,
            }
            for a in self.attachments
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Notification:
        attachments = tuple(
            Attachment(
                filename=a["filename"],
                content=base64.b64decode(a["content"]),
                mimetype=a.get("mimetype", "application/octet-stream"),
            )
            for a in data.get("attachments", [])
        )
        return cls(
            subject=data["subject"],
            text=data["text"],
            html=data.get("html"),
            link=data.get("link"),
            attachments=attachments,
            key=data.get("key", ""),
        )


class DeliveryError(Exception):
    """A channel could not deliver; ``reason`` is French, for people."""

    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after


@dataclass(frozen=True)
class Result:
    """Delivered, or failed with a French reason; a transient failure may be retried."""

    delivered: bool
    reason: str = ""
    permanent: bool = False
    retry_after: float | None = field(default=None)

    @classmethod
    def ok(cls) -> Result:
        return cls(delivered=True)

    @classmethod
    def failed(cls, reason: str, *, permanent: bool, retry_after: float | None = None) -> Result:
        return cls(delivered=False, reason=reason, permanent=permanent, retry_after=retry_after)

    @classmethod
    def from_error(cls, error: DeliveryError | OutboundError) -> Result:
        reason = error.reason if isinstance(error, DeliveryError) else error.message_fr
        return cls.failed(reason, permanent=error.permanent, retry_after=error.retry_after)

    @property
    def transient(self) -> bool:
        return not self.delivered and not self.permanent

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)
