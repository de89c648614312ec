"""Mastodon.py on Parvis's guarded session, and its exceptions turned into ConnectorError."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from mastodon import Mastodon
from mastodon.errors import (
    MastodonAPIError,
    MastodonError,
    MastodonIllegalArgumentError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
    MastodonUnauthorizedError,
    MastodonVersionError,
)

from parvis.connectors.errors import ConnectorError, InvalidResponseError
from parvis.core import http
from parvis.core.http import OutboundError, RateLimit

T = TypeVar("T")
# Mastodon.py refuses to work without a version; 4.0 when the instance did not say.
FALLBACK_VERSION = "4.0.0"


def make_api(
    base_url: str,
    *,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    version: str | None = None,
) -> Mastodon:
    """A Mastodon.py client whose every request goes through the outbound wrapper."""
    return Mastodon(
        api_base_url=base_url,
        access_token=access_token,
        client_id=client_id,
        client_secret=client_secret,
        session=http.session(),
        ratelimit_method="throw",  # Parvis decides when to wait, never a worker asleep
        request_timeout=float(settings.PARVIS_HTTP_TIMEOUT),
        mastodon_version=version or FALLBACK_VERSION,
        # "created": the version we pass is used (with "none", Mastodon.py ignores it), and a
        # call newer than the instance fails before being sent.
        version_check_mode="created",
        user_agent=settings.PARVIS_HTTP_USER_AGENT,
    )


def rate_limit_of(api: Mastodon) -> RateLimit | None:
    """What the last response said of the quota (Mastodon.py keeps it on the client)."""
    reset = getattr(api, "ratelimit_reset", None)
    remaining = getattr(api, "ratelimit_remaining", None)
    if getattr(api, "ratelimit_lastcall", None) is None:
        return None  # no response announced a quota yet
    return RateLimit(
        limit=getattr(api, "ratelimit_limit", None),
        remaining=remaining,
        reset_at=dt.datetime.fromtimestamp(reset, dt.UTC) if reset else None,
    )


def _outbound_cause(error: BaseException) -> OutboundError | None:
    """The transport failure behind what Mastodon.py raised (it wraps them)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OutboundError):
            return current
        if isinstance(current, requests.RequestException):
            return http.from_requests_error(current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _remote_message(error: MastodonAPIError) -> str:
    # Mastodon.py's args: (message, status, reason, the "error" field of the JSON body).
    args = error.args
    detail = args[3] if len(args) > 3 else ""
    return str(detail or (args[2] if len(args) > 2 else "") or "")


def _api_error(error: MastodonAPIError) -> ConnectorError:
    """The instance answered with an error status, or with something that is not JSON."""
    status = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else None
    if status is None:
        return InvalidResponseError("Mastodon", str(error))
    remote = _remote_message(error)
    if isinstance(error, MastodonUnauthorizedError) or status == 401:
        return ConnectorError(
            _("L'instance refuse le jeton d'accès (révoqué ou expiré) : reconnectez le compte."),
            permanent=True,
            needs_reconnect=True,
            status=401,
            remote_message=remote,
        )
    if isinstance(error, MastodonNotFoundError) or status == 404:
        return ConnectorError(
            _("Introuvable sur l'instance (supprimé, ou invisible pour ce compte)."),
            permanent=True,
            status=404,
            remote_message=remote,
        )
    transient = status is not None and (status >= 500 or status in (408, 425))
    message = (
        _("L'instance Mastodon a refusé : %(reason)s") % {"reason": remote}
        if remote
        else _("L'instance Mastodon a répondu par une erreur (%(status)s).") % {"status": status}
    )
    return ConnectorError(message, permanent=not transient, status=status, remote_message=remote)


def _refused_here(error: MastodonError) -> ConnectorError:
    """What Mastodon.py refused before sending anything."""
    if isinstance(error, MastodonVersionError):
        return ConnectorError(
            _("Cette instance Mastodon est trop ancienne pour cette action."),
            permanent=True,
            remote_message=str(error),
        )
    if isinstance(error, MastodonIllegalArgumentError):
        return ConnectorError(
            _("Demande invalide pour Mastodon : %(reason)s") % {"reason": error},
            permanent=True,
        )
    return ConnectorError(
        _("Erreur inattendue avec Mastodon."), permanent=False, remote_message=str(error)
    )


def translate(error: MastodonError, api: Mastodon | None = None) -> ConnectorError:
    """One ConnectorError for whatever Mastodon.py raised."""
    if isinstance(error, MastodonRatelimitError):
        limit = rate_limit_of(api) if api is not None else None
        retry_after = limit.seconds_until_reset() if limit else None
        return ConnectorError(
            _("Mastodon limite le débit de ce compte : nouvel essai plus tard."),
            permanent=False,
            retry_after=retry_after or 300.0,
            status=429,
        )
    outbound = _outbound_cause(error)
    if outbound is not None:
        return ConnectorError.from_outbound(outbound)
    if isinstance(error, MastodonNetworkError):
        return ConnectorError(
            _("Connexion à l'instance Mastodon impossible."),
            permanent=False,
            remote_message=str(error),
        )
    if isinstance(error, MastodonAPIError):
        return _api_error(error)
    return _refused_here(error)


def translated(operation: Callable[[], T], api: Mastodon | None = None) -> T:
    """``operation()``, whatever Mastodon.py or the transport raised made a ConnectorError."""
    try:
        return operation()
    except MastodonError as error:
        raise translate(error, api) from error
    except OutboundError as error:
        raise ConnectorError.from_outbound(error) from error


def run(api: Mastodon, operation: Callable[[], T], on_rate_limit: Callable[[RateLimit], None]) -> T:
    """``operation()`` on ``api``, errors translated and the announced quota recorded."""
    try:
        return translated(operation, api)
    finally:
        limit = rate_limit_of(api)
        if limit is not None:
            on_rate_limit(limit)
