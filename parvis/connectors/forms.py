"""Forms of the connected-accounts pages: what the administrator types to connect."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parvis.connectors.errors import ConnectorError
from parvis.connectors.mastodon.oauth import normalise_instance_url
from parvis.core.http.policy import allowance_from_settings


def plain_http_allowed(url: str) -> bool:
    """Plain http only reaches the local servers the operator allowed (test servers)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 80
    allowance = allowance_from_settings()
    try:
        return allowance.allows_address(ipaddress.ip_address(host), port)
    except ValueError:
        return allowance.allows_host(host, port)


def _server_url(value: str) -> str:
    try:
        url = normalise_instance_url(value)
    except ConnectorError as error:
        raise ValidationError(error.message, code="invalid") from None
    if url.startswith("http://") and not plain_http_allowed(url):
        raise ValidationError(
            _("Le serveur doit être joint en https (https://%(host)s).")
            % {"host": urlsplit(url).netloc},
            code="https",
        )
    return url


class MastodonConnectForm(forms.Form):
    instance = forms.CharField(
        label=_("Instance Mastodon"),
        max_length=253,
        help_text=_("Par exemple : mastodon.social, social.numerique.gouv.fr"),
        widget=forms.TextInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
    )

    def clean_instance(self) -> str:
        return _server_url(str(self.cleaned_data["instance"]))


class BlueskyConnectForm(forms.Form):
    handle = forms.CharField(
        label=_("Identifiant Bluesky"),
        max_length=253,
        help_text=_("Par exemple : ville-de-demo.bsky.social ou ville-de-demo.fr"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    app_password = forms.CharField(
        label=_("Mot de passe d'application"),
        max_length=100,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "À créer dans Bluesky : Paramètres > Confidentialité et sécurité > Mots de passe "
            "d'application. Jamais le mot de passe du compte."
        ),
    )
    service = forms.CharField(
        label=_("Serveur du compte (facultatif)"),
        required=False,
        max_length=253,
        help_text=_("Laissez vide : il est trouvé à partir de l'identifiant."),
    )

    def clean_handle(self) -> str:
        handle = str(self.cleaned_data["handle"]).strip().lstrip("@").lower()
        if "." not in handle or " " in handle:
            raise ValidationError(
                _("Identifiant attendu sous la forme nom.bsky.social ou nom-de-domaine.fr."),
                code="handle",
            )
        return handle

    def clean_service(self) -> str:
        value = str(self.cleaned_data.get("service") or "").strip()
        return _server_url(value) if value else ""
