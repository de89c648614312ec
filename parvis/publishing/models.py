"""One post going out to one connected account, exactly once: the delivery and its media.

The state machine on the row decides what runs (see :mod:`parvis.publishing.delivery`):
pending → sending → sent, or failed with its reason; a crash leaves "sending", which the
next run reconciles with the network before sending anything.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parvis.connectors.base import Draft, MediaFile, Visibility
from parvis.connectors.models import ConnectedAccount
from parvis.organisations.models import Organisation


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("En attente d'envoi")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Publié")
    FAILED = "failed", _("Échec")


class Delivery(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.PROTECT, related_name="deliveries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("texte"))
    content_warning = models.CharField(_("avertissement de contenu"), max_length=500, blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    visibility = models.CharField(max_length=10, default=Visibility.PUBLIC)
    in_reply_to = models.CharField(_("en réponse à"), max_length=300, blank=True)
    # Sent with every attempt: the network recognises a retry of the same delivery.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(
        _("état"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{self.account} — {self.text[:40]}"

    def draft(self) -> Draft:
        """The post as the connector takes it (media read from storage)."""
        media = []
        for item in self.media.order_by("position"):
            with item.file.open("rb") as stream:
                data = stream.read()
            media.append(
                MediaFile(
                    data=data,
                    mime_type=item.mime_type,
                    filename=item.file.name.rsplit("/", 1)[-1],
                    alt_text=item.alt_text,
                    width=item.width,
                    height=item.height,
                )
            )
        return Draft(
            text=self.text,
            media=tuple(media),
            content_warning=self.content_warning,
            language=self.language,
            visibility=Visibility(self.visibility),
            in_reply_to=self.in_reply_to,
        )


class DeliveryMedia(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="deliveries/%Y/%m/")
    mime_type = models.CharField(max_length=100)
    alt_text = models.TextField(_("texte alternatif"), blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return str(self.file.name)
