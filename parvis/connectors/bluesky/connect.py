"""Connecting a Bluesky account: a handle and an app password give a stored session.

The app password itself is never stored: it opens a session (an access token, short-lived,
and a refresh token), and the connector renews the session with the refresh token. An
administrator creates the app password in Bluesky (Réglages > Confidentialité et sécurité >
Mots de passe d'application) and can revoke it there at any time.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from atproto_client import models
from django.utils.translation import gettext as _

from parvis.connectors.base import Connection
from parvis.connectors.bluesky import identity
from parvis.connectors.bluesky.mapping import NETWORK, account_from_profile, profile_url
from parvis.connectors.bluesky.xrpc import XrpcError, connector_error, jwt_payload, sdk_client
from parvis.connectors.errors import ConnectorError
from parvis.connectors.remote import RemoteAccount
from parvis.core.http import OutboundError

logger = logging.getLogger("parvis.connectors.bluesky")

# The scope of a session opened with the account's main password (app passwords give
# com.atproto.appPass or com.atproto.appPassPrivileged).
MAIN_SESSION_SCOPE = "com.atproto.access"
SETTINGS_PATH = "Réglages > Confidentialité et sécurité > Mots de passe d'application"


def _error(
    message: str, *, permanent: bool = True, cause: Exception | None = None
) -> ConnectorError:
    remote = ""
    if isinstance(cause, XrpcError):
        remote = cause.remote_message
    elif isinstance(cause, OutboundError):
        remote = cause.remote_message or cause.message_fr
    return ConnectorError(message, permanent=permanent, remote_message=remote)


def _unknown_handle(handle: str) -> ConnectorError:
    return _error(
        _("Compte Bluesky introuvable : « %(handle)s » ne correspond à aucun compte.")
        % {"handle": handle}
    )


def _unreachable(url: str, cause: Exception) -> ConnectorError:
    return _error(
        _("Serveur Bluesky injoignable (%(url)s) : vérifiez son adresse ou réessayez plus tard.")
        % {"url": url},
        permanent=isinstance(cause, OutboundError) and cause.permanent,
        cause=cause,
    )


def _normalise_service_url(service_url: str) -> str:
    url = service_url.strip().rstrip("/")
    if url.endswith("/xrpc"):
        url = url[: -len("/xrpc")]
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise _error(_("Adresse de serveur Bluesky invalide : « %(url)s ».") % {"url": service_url})
    return url


def _resolve_did(handle: str, service_url: str | None, resolver_url: str) -> str:
    if identity.is_did(handle):
        return handle
    where = service_url or resolver_url
    failure: Exception | None = None
    try:
        did = identity.resolve_handle(handle, where)
    except (XrpcError, OutboundError, ValueError) as error:
        if service_url is not None:
            raise _unreachable(where, error) from error
        did, failure = None, error
    if did is None and service_url is None:
        did = identity.well_known_did(handle)
    if did is None and failure is not None:
        raise _unreachable(where, failure) from failure
    if did is None:
        raise _unknown_handle(handle)
    return did


def _find_pds(did: str, plc_url: str) -> str:
    try:
        document = identity.did_document(did, plc_url)
    except (OutboundError, ValueError) as error:
        raise _unreachable(plc_url, error) from error
    pds = identity.pds_endpoint(document)
    if pds is None:
        raise _error(
            _("Le compte %(did)s n'indique pas son serveur (PDS) : impossible de s'y connecter.")
            % {"did": did}
        )
    return pds


def _create_session(client: Any, handle: str, app_password: str, pds: str) -> Any:
    try:
        return client.com.atproto.server.create_session(
            models.ComAtprotoServerCreateSession.Data(identifier=handle, password=app_password)
        )
    except XrpcError as error:
        if error.error == "AuthFactorTokenRequired":
            raise _main_password_refused() from error
        if error.error in ("AccountTakedown", "AccountDeactivated"):
            raise _error(
                _("Ce compte Bluesky est suspendu ou désactivé : Bluesky refuse la connexion."),
                cause=error,
            ) from error
        if error.status in (400, 401, 403):
            raise _error(
                _(
                    "Identifiant ou mot de passe d'application refusé par Bluesky : vérifiez "
                    "l'identifiant, ou créez un nouveau mot de passe d'application (%(where)s)."
                )
                % {"where": SETTINGS_PATH},
                cause=error,
            ) from error
        raise connector_error(error) from error
    except OutboundError as error:
        raise _unreachable(pds, error) from error
    except ValueError as error:
        raise connector_error(error) from error


def _main_password_refused() -> ConnectorError:
    return _error(
        _(
            "C'est le mot de passe principal du compte : Parvis n'accepte qu'un mot de passe "
            "d'application, que vous pourrez révoquer à tout moment (%(where)s)."
        )
        % {"where": SETTINGS_PATH}
    )


def _revoke(client: Any, refresh_jwt: str) -> None:
    try:
        client.com.atproto.server.delete_session(headers={"Authorization": f"Bearer {refresh_jwt}"})
    except (XrpcError, OutboundError, ValueError) as error:
        logger.info("could not revoke a Bluesky session opened with a main password: %s", error)


def _account(client: Any, did: str, handle: str, access_jwt: str) -> RemoteAccount:
    """The profile through the PDS (its AppView); the bare identity if none answers."""
    try:
        profile = client.app.bsky.actor.get_profile(
            {"actor": did}, headers={"Authorization": f"Bearer {access_jwt}"}
        )
    except (XrpcError, OutboundError, ValueError) as error:
        logger.info("Bluesky profile of %s unavailable at connection: %s", did, error)
        return RemoteAccount(network=NETWORK, remote_id=did, handle=handle, url=profile_url(handle))
    return account_from_profile(profile)


def login(
    handle: str,
    app_password: str,
    service_url: str | None = None,
    *,
    plc_url: str = identity.DEFAULT_PLC_DIRECTORY,
    resolver_url: str = identity.DEFAULT_HANDLE_RESOLVER,
) -> Connection:
    """Open a session for ``handle`` with an app password, at its PDS.

    Without ``service_url`` the handle is resolved to a DID (``resolver_url``, then the
    handle's HTTPS file) and the DID to its PDS (``plc_url`` for did:plc, the domain for
    did:web); with it, that server resolves the handle and opens the session. A session
    opened with the main password is closed at once and refused.
    """
    identifier = identity.normalise_handle(handle)
    if not (identity.is_handle(identifier) or identity.is_did(identifier)):
        raise _error(
            _("« %(handle)s » n'est pas un identifiant Bluesky (exemple : mairie.bsky.social).")
            % {"handle": handle}
        )
    if not app_password.strip():
        raise _error(_("Le mot de passe d'application est vide."))
    explicit = _normalise_service_url(service_url) if service_url else None
    did = _resolve_did(identifier, explicit, resolver_url)
    pds = explicit or _find_pds(did, plc_url)

    with sdk_client(pds) as client:
        session = _create_session(client, identifier, app_password.strip(), pds)
        if jwt_payload(session.access_jwt).get("scope") == MAIN_SESSION_SCOPE:
            _revoke(client, session.refresh_jwt)
            raise _main_password_refused()
        if str(session.did) != did:
            _revoke(client, session.refresh_jwt)
            raise _error(
                _("Le serveur a ouvert la session d'un autre compte (%(did)s) : connexion refusée.")
                % {"did": session.did}
            )
        pds = identity.pds_endpoint(session.did_doc) or pds
        account = _account(client, did, str(session.handle), session.access_jwt)

    credentials = {
        "did": did,
        "handle": str(session.handle),
        "access_jwt": session.access_jwt,
        "refresh_jwt": session.refresh_jwt,
        "service_url": pds,
    }
    return Connection(service_url=pds, account=account, credentials=credentials)
