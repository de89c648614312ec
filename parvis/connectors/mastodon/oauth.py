"""Connecting a Mastodon account: register Parvis on the instance, OAuth code flow, or a token.

Network functions only (no models): the views and ``parvis account add`` store what they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from mastodon import Mastodon

from parvis.connectors.base import Connection
from parvis.connectors.errors import ConnectorError
from parvis.core import http

from . import client, mapping, wire

# Everything the connector does: read (notifications, search…), write (statuses, media,
# favourites, reblogs, follows), nothing of push or admin.
SCOPES = ["read", "write"]
CLIENT_NAME = "Parvis"


@dataclass(frozen=True)
class Application:
    client_id: str
    client_secret: str


def normalise_instance_url(value: str) -> str:
    """``mastodon.social``, ``https://mastodon.social/`` → ``https://mastodon.social``."""
    text = value.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConnectorError(
            _("Adresse d'instance invalide : saisissez par exemple mastodon.social."),
            permanent=True,
        )
    if parts.path not in ("", "/") or parts.query or parts.username or parts.password:
        raise ConnectorError(
            _("Saisissez seulement l'adresse de l'instance, sans chemin (mastodon.social)."),
            permanent=True,
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def register_application(instance_url: str, redirect_uri: str, website: str) -> Application:
    """Register Parvis on the instance (done once per instance, then stored)."""
    client_id, client_secret = client.translated(
        lambda: Mastodon.create_app(
            CLIENT_NAME,
            scopes=SCOPES,
            redirect_uris=redirect_uri,
            website=website,
            api_base_url=instance_url,
            session=http.session(),
            user_agent=settings.PARVIS_HTTP_USER_AGENT,
        )
    )
    return Application(str(client_id), str(client_secret))


def authorization_url(
    instance_url: str, application: Application, redirect_uri: str, state: str
) -> str:
    """Where to send the administrator to approve Parvis on their instance."""
    api = client.make_api(
        instance_url, client_id=application.client_id, client_secret=application.client_secret
    )
    return str(
        client.translated(
            lambda: api.auth_request_url(
                redirect_uris=redirect_uri,
                scopes=SCOPES,
                state=state,
                force_login=True,
                allow_http=instance_url.startswith("http://"),
            )
        )
    )


def exchange_code(
    instance_url: str, application: Application, code: str, redirect_uri: str
) -> Connection:
    """The code the instance sent back, exchanged for a token; then who the account is."""
    api = client.make_api(
        instance_url, client_id=application.client_id, client_secret=application.client_secret
    )
    token = client.translated(
        lambda: api.log_in(
            code=code,
            redirect_uri=redirect_uri,
            scopes=SCOPES,
            allow_http=instance_url.startswith("http://"),
        )
    )
    return connect_with_token(instance_url, str(token), application=application)


def connect_with_token(
    instance_url: str, token: str, *, application: Application | None = None
) -> Connection:
    """An access token made on the instance (Préférences > Développement), or from OAuth."""
    api = client.make_api(instance_url, access_token=token)
    account = mapping.validate(wire.Account, client.translated(api.account_verify_credentials))
    instance_data = client.translated(api.instance_v2)
    instance = mapping.validate(wire.Instance, instance_data)
    credentials: dict[str, Any] = {
        "access_token": token,
        "version": instance.version,
        "instance": instance.configuration.model_dump(),
    }
    if application is not None:
        credentials["client_id"] = application.client_id
        credentials["client_secret"] = application.client_secret
    return Connection(
        service_url=instance_url,
        account=mapping.remote_account(account),
        credentials=credentials,
    )
