"""One module per kind of channel, each with the same small interface (see ``base``)."""

from __future__ import annotations

from parvis.notify.channels.base import Channel
from parvis.notify.channels.email import EmailChannel
from parvis.notify.channels.matrix import MatrixChannel
from parvis.notify.channels.webhook import WebhookChannel
from parvis.notify.models import ChannelKind

CHANNELS: dict[str, type[Channel]] = {
    ChannelKind.EMAIL: EmailChannel,
    ChannelKind.MATRIX: MatrixChannel,
    ChannelKind.WEBHOOK: WebhookChannel,
}

__all__ = ["CHANNELS", "Channel", "EmailChannel", "MatrixChannel", "WebhookChannel"]
