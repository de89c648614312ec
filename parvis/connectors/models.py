"""Connected network accounts, and the OAuth applications Parvis registered on Mastodon."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.fields import EncryptedTextField
from parvis.organisations.models import Organisation


class Network(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    # The training network: everything stays in the instance (see parvis.connectors.sandbox).
    SANDBOX = "sandbox", _("Bac à sable (entraînement)")


class Health(models.TextChoices):
    OK = "ok", _("Opérationnel")
    RATE_LIMITED = "rate_limited", _("Limite de débit atteinte")
    RECONNECT = "reconnect", _("Reconnexion nécessaire")
    ERROR = "error", _("En erreur")
    DISCONNECTED = "disconnected", _("Déconnecté")


class ConnectedAccount(models.Model):
    """A network account of an organisation, connected once by an administrator.

    Members publish through it with their own Parvis login: the credentials (encrypted JSON)
    are never shown. ``health`` and ``last_error`` say what happened at the last call.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="connected_accounts"
    )
    network = models.CharField(_("réseau"), max_length=20, choices=Network.choices)
    service_url = models.URLField(_("serveur"), max_length=300)
    remote_id = models.CharField(_("identifiant sur le réseau"), max_length=300)
    handle = models.CharField(_("identifiant"), max_length=300)
    display_name = models.CharField(_("nom affiché"), max_length=300, blank=True)
    profile_url = models.URLField(_("page du compte"), max_length=500, blank=True)
    avatar_url = models.URLField(max_length=1000, blank=True)
    followers_count = models.PositiveIntegerField(_("abonnés"), null=True, blank=True)
    credentials = EncryptedTextField(default="", blank=True)
    health = models.CharField(_("état"), max_length=20, choices=Health.choices, default=Health.OK)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    rate_limited_until = models.DateTimeField(null=True, blank=True)
    rate_limit_remaining = models.IntegerField(null=True, blank=True)
    rate_limit_reset_at = models.DateTimeField(null=True, blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("compte connecté")
        verbose_name_plural = _("comptes connectés")
        ordering = ["network", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "network", "remote_id"],
                name="connectors_account_unique_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.handle} ({self.get_network_display()})"

    @property
    def is_connected(self) -> bool:
        return self.disconnected_at is None

    def credentials_dict(self) -> dict[str, Any]:
        if not self.credentials:
            return {}
        value = json.loads(self.credentials)
        return value if isinstance(value, dict) else {}

    def set_credentials(self, value: dict[str, Any]) -> None:
        self.credentials = json.dumps(value, sort_keys=True)

    def health_now(self, now: dt.datetime | None = None) -> str:
        """The health to show: a rate limit that has expired no longer counts."""
        now = now or timezone.now()
        if self.health == Health.RATE_LIMITED and (
            self.rate_limited_until is None or self.rate_limited_until <= now
        ):
            return Health.OK
        return self.health


class MastodonApplication(models.Model):
    """The OAuth client Parvis registered on one Mastodon instance (once per instance)."""

    instance_url = models.URLField(max_length=300, unique=True)
    client_id = models.CharField(max_length=300)
    client_secret = EncryptedTextField()
    redirect_uri = models.URLField(max_length=500)
    scopes = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application Mastodon")
        verbose_name_plural = _("applications Mastodon")

    def __str__(self) -> str:
        return self.instance_url
