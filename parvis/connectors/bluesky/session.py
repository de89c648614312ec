"""The session of one account on its PDS: tokens sent, renewed, saved; one client per operation.

The access token (about two hours) goes with every call; it is renewed with the refresh token
shortly before it expires, or once when the PDS refuses it, and the new pair is saved through
:attr:`AccountAccess.save_credentials` (the refresh token rotates). A refused renewal means the
app password was revoked or the session closed: ``ConnectorError(needs_reconnect=True)``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.utils.translation import gettext as _

from parvis.connectors.base import AccountAccess
from parvis.connectors.bluesky import identity
from parvis.connectors.bluesky.xrpc import (
    CALL_ERRORS,
    XrpcError,
    connector_error,
    sdk_client,
    token_expires_at,
)
from parvis.connectors.errors import ConnectorError
from parvis.core.http import RateLimit

logger = logging.getLogger("parvis.connectors.bluesky")
T = TypeVar("T")

# Renew the access token this long before it expires.
REFRESH_MARGIN = dt.timedelta(minutes=2)


def reconnect_error(cause: XrpcError | None = None) -> ConnectorError:
    return ConnectorError(
        _(
            "La session Bluesky a expiré ou a été révoquée : reconnectez le compte avec "
            "un mot de passe d'application."
        ),
        permanent=True,
        needs_reconnect=True,
        status=cause.status if cause else None,
        remote_message=cause.remote_message if cause else "",
    )


class Session:
    """What the connector calls the PDS through: :meth:`call`, inside :meth:`connection`."""

    def __init__(
        self,
        access: AccountAccess,
        *,
        before_call: Callable[[], None] = lambda: None,
        on_rate_limit: Callable[[RateLimit], None] = lambda _limit: None,
    ) -> None:
        self.access = access
        self._before_call = before_call
        self._on_rate_limit = on_rate_limit
        self._client: Any | None = None

    @property
    def credentials(self) -> dict[str, Any]:
        return self.access.credentials

    @property
    def did(self) -> str:
        did = self.credentials.get("did") or self.access.remote_id
        if not did:
            raise reconnect_error()
        return str(did)

    @property
    def handle(self) -> str:
        return str(self.credentials.get("handle") or self.access.handle or self.did)

    @property
    def service_url(self) -> str:
        return str(self.credentials.get("service_url") or self.access.service_url)

    def save(self, **changes: Any) -> None:
        credentials = {**self.credentials, **changes}
        self.access.credentials = credentials
        self.access.save_credentials(credentials)

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """One HTTP client for a whole operation (a publication uploads, resolves, writes)."""
        if self._client is not None:
            yield self._client
            return
        with sdk_client(self.service_url, on_rate_limit=self._on_rate_limit) as client:
            self._client = client
            try:
                yield client
            finally:
                self._client = None

    def _expiring(self) -> bool:
        access = self.credentials.get("access_jwt")
        if not access:
            return True
        expires_at = token_expires_at(str(access))
        return expires_at is None or expires_at - REFRESH_MARGIN <= dt.datetime.now(dt.UTC)

    def _authorise(self, client: Any) -> None:
        client.request.add_additional_header(
            "Authorization", f"Bearer {self.credentials['access_jwt']}"
        )

    def refresh(self, client: Any) -> None:
        """A new session from the refresh token, saved; needs_reconnect when it is refused."""
        refresh_jwt = self.credentials.get("refresh_jwt")
        if not refresh_jwt:
            raise reconnect_error()
        try:
            answer = client.com.atproto.server.refresh_session(
                headers={"Authorization": f"Bearer {refresh_jwt}"}
            )
        except XrpcError as error:
            if error.status in (400, 401, 403):
                raise reconnect_error(error) from error
            raise connector_error(error) from error
        except CALL_ERRORS as error:
            raise connector_error(error) from error
        changes: dict[str, Any] = {
            "did": str(answer.did),
            "handle": str(answer.handle),
            "access_jwt": answer.access_jwt,
            "refresh_jwt": answer.refresh_jwt,
        }
        pds = identity.pds_endpoint(answer.did_doc)
        if pds and pds != self.credentials.get("service_url"):  # the account moved
            changes["service_url"] = pds
            client.update_base_url(pds)
        self.save(**changes)
        logger.info("Bluesky session of %s renewed", changes["did"])

    def call(self, operation: Callable[[Any], T]) -> T:
        """``operation(client)`` with the session, renewed once if refused; ConnectorError out."""
        self._before_call()
        with self.connection() as client:
            try:
                if self._expiring():
                    self.refresh(client)
                self._authorise(client)
                try:
                    return operation(client)
                except XrpcError as error:
                    if not error.is_token_problem:
                        raise
                # Refused before any processing: the retry cannot write twice.
                self.refresh(client)
                self._authorise(client)
                try:
                    return operation(client)
                except XrpcError as error:
                    if error.is_token_problem:
                        raise reconnect_error(error) from error
                    raise
            except ConnectorError:
                raise
            except CALL_ERRORS as error:
                raise connector_error(error) from error

    def revoke(self) -> None:
        """Close the session on the PDS (deleteSession takes the refresh token); never raises."""
        refresh_jwt = self.credentials.get("refresh_jwt")
        if not refresh_jwt:
            return
        try:
            with sdk_client(self.service_url) as client:
                client.com.atproto.server.delete_session(
                    headers={"Authorization": f"Bearer {refresh_jwt}"}
                )
        except Exception as error:  # disconnecting never fails
            logger.info("Bluesky session of %s not revoked: %s", self.access.remote_id, error)
