"""E-mail channel, against a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import pytest

from parvis.core.http.tests.servers import free_port
from parvis.notify.models import ChannelKind, NotificationChannel
from parvis.notify.notification import Attachment, Notification
from parvis.notify.service import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel(organisation):
    return NotificationChannel.objects.create(
        organisation=organisation,
        kind=ChannelKind.EMAIL,
        name="Service communication",
        target="communication@commune.test",
    )


REPORT = Notification(
    subject="Rapport hebdomadaire — semaine 11",
    text="Bonjour,\n\nVoici le rapport de la semaine.",
    html="<p>Bonjour,</p><p>Voici le <strong>rapport</strong> de la semaine.</p>",
    link="https://parvis.commune.test/rapports/11",
    attachments=(Attachment("rapport-s11.pdf", b"%PDF-1.7 fake", "application/pdf"),),
)


def test_an_email_with_text_html_and_attachment_reaches_the_smtp_server(smtp_sink, channel):
    result = send(channel, REPORT)

    assert result.delivered, result.reason
    [message] = smtp_sink.messages
    assert smtp_sink.recipients == [["communication@commune.test"]]
    assert message["Subject"] == "Rapport hebdomadaire — semaine 11"
    assert message["To"] == "communication@commune.test"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Voici le rapport de la semaine." in text
    assert "https://parvis.commune.test/rapports/11" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<strong>rapport</strong>" in html
    assert 'href="https://parvis.commune.test/rapports/11"' in html
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "rapport-s11.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.7 fake"


def test_a_text_only_email_has_no_html_part(smtp_sink, channel):
    assert send(channel, Notification(subject="Alerte", text="Pic de mentions.")).delivered
    [message] = smtp_sink.messages
    assert not message.is_multipart()
    assert message.get_content().strip() == "Pic de mentions."


def test_a_refused_smtp_connection_is_a_transient_failure(settings, channel):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()

    result = send(channel, REPORT)

    assert not result.delivered
    assert result.transient
    assert "Serveur de courriel injoignable" in result.reason


def test_a_subject_with_a_line_break_is_a_permanent_failure(channel):
    result = send(channel, Notification(subject="Objet\nBcc: x@y.test", text="..."))
    assert not result.delivered
    assert result.permanent
