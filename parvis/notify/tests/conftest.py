"""Local receivers for the notifier: an SMTP sink and a Matrix/webhook HTTP recorder."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from parvis.core.http.tests.servers import RecordingServer, Reply, free_port
from parvis.core.http.tests.servers import running as running_http


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    """An SMTP server on 127.0.0.1 that keeps what it receives; Django's SMTP backend uses it."""
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def http_recorder(settings) -> Iterator[RecordingServer]:
    """An HTTP server on 127.0.0.1 that records requests; outbound calls may reach it."""
    with running_http(lambda _received: Reply(200, {})) as server:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{server.port}"]
        yield server
