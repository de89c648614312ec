"""Where an organisation's notifications go: e-mail addresses, Matrix/Tchap rooms, webhooks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from parvis.core.fields import EncryptedTextField
from parvis.organisations.models import Organisation


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Courriel")
    MATRIX = "matrix", _("Tchap / Matrix")
    WEBHOOK = "webhook", _("Webhook (Mattermost, Slack, Rocket.Chat)")


class NotificationChannel(models.Model):
    """One destination of notifications, owned by an organisation.

    ``target`` is an e-mail address, a Matrix homeserver URL or a webhook URL, depending on
    ``kind``; ``room`` is the Matrix room id (``!abc:server``) or alias (``#name:server``).
    ``secret`` is the Matrix access token or the webhook signing secret, encrypted at rest.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="notification_channels"
    )
    kind = models.CharField(_("type"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("nom"), max_length=100)
    target = models.CharField(
        _("destination"),
        max_length=500,
        help_text=_(
            "Adresse électronique, adresse du serveur Matrix (https://matrix.agent.tchap.gouv.fr) "
            "ou adresse du webhook."
        ),
    )
    room = models.CharField(
        _("salon Matrix"),
        max_length=255,
        blank=True,
        help_text=_("Identifiant (!abc:serveur) ou alias (#nom:serveur) du salon."),
    )
    secret = EncryptedTextField(
        _("secret"),
        blank=True,
        default="",
        help_text=_("Jeton d'accès Matrix, ou secret de signature du webhook (facultatif)."),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_error_at = models.DateTimeField(_("date de la dernière erreur"), null=True, blank=True)
    last_delivered_at = models.DateTimeField(_("date du dernier envoi"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("canal de notification")
        verbose_name_plural = _("canaux de notification")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="notify_channel_name_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def last_attempt_failed(self) -> bool:
        """Whether the most recent delivery attempt failed (its reason is ``last_error``)."""
        if not self.last_error or self.last_error_at is None:
            return False
        return self.last_delivered_at is None or self.last_error_at >= self.last_delivered_at

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.kind == ChannelKind.EMAIL:
            try:
                EmailValidator()(self.target)
            except ValidationError:
                errors["target"] = _("Saisissez une adresse électronique valide.")
        else:
            try:
                URLValidator(schemes=["http", "https"])(self.target)
            except ValidationError:
                errors["target"] = _("Saisissez une adresse web valide (https://…).")
        if self.kind == ChannelKind.MATRIX:
            if not self.room.startswith(("!", "#")) or ":" not in self.room:
                errors["room"] = _(
                    "Saisissez l'identifiant (!abc:serveur) ou l'alias (#nom:serveur) du salon."
                )
            if not self.secret:
                errors["secret"] = _("Le jeton d'accès Matrix est obligatoire.")
        if errors:
            raise ValidationError(errors)
