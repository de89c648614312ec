"""E-mail through Django's configured backend: a text part, an optional HTML part, attachments."""

from __future__ import annotations

import smtplib

from django.core.mail import BadHeaderError, EmailMultiAlternatives
from django.utils.translation import gettext as _

from parvis.notify.channels.base import Channel, html_link, plain_text
from parvis.notify.notification import DeliveryError, Notification


class EmailChannel(Channel):
    supports_html = True
    supports_attachments = True

    def deliver(self, notification: Notification) -> None:
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=plain_text(notification, with_subject=False),
            to=[self.config.target],
        )
        if notification.html:
            html = notification.html
            if notification.link:
                html += html_link(notification.link)
            message.attach_alternative(html, "text/html")
        for attachment in notification.attachments:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
        try:
            message.send(fail_silently=False)
        except BadHeaderError as error:
            raise DeliveryError(
                _("Objet du courriel invalide (retour à la ligne interdit)."), permanent=True
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(
                _("Le serveur de courriel refuse le destinataire %(address)s.")
                % {"address": self.config.target},
                permanent=True,
            ) from error
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(
                _("Le serveur de courriel refuse l'identification : vérifiez la configuration."),
                permanent=True,
            ) from error
        except smtplib.SMTPResponseException as error:
            raise DeliveryError(
                _("Le serveur de courriel a répondu %(code)d : %(message)s")
                % {"code": error.smtp_code, "message": _smtp_text(error.smtp_error)},
                permanent=error.smtp_code >= 500,
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            # Connection refused or reset, timeout, TLS failure, unexpected disconnection.
            raise DeliveryError(
                _("Serveur de courriel injoignable (%(error)s).") % {"error": error},
                permanent=False,
            ) from error


def _smtp_text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
