"""Where the rest of Parvis meets the connectors: build one for an account, call it, record.

``call(account, operation)`` runs ``operation(connector)`` and writes the account's health
from what happened: OK, rate limited until a time, reconnection needed, or in error with the
network's message. Call it outside a database transaction: it waits on the network.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils import timezone

from parvis.connectors.base import AccountAccess, Connector
from parvis.connectors.errors import ConnectorError
from parvis.connectors.models import ConnectedAccount, Health
from parvis.connectors.registry import connector_class
from parvis.core.http import RateLimit

logger = logging.getLogger("parvis.connectors")
T = TypeVar("T")

# Without a Retry-After, a 429 keeps the account marked "rate limited" this long.
DEFAULT_RATE_LIMIT_PAUSE = dt.timedelta(minutes=5)


def _rows(account: ConnectedAccount) -> Any:
    return ConnectedAccount.objects.filter(pk=account.pk)


def access_for(account: ConnectedAccount) -> AccountAccess:
    """The account as a connector sees it, with callbacks that write back to its row."""

    def save_credentials(credentials: dict[str, Any]) -> None:
        account.set_credentials(credentials)
        _rows(account).update(credentials=account.credentials)

    def save_rate_limit(limit: RateLimit) -> None:
        account.rate_limit_remaining = limit.remaining
        account.rate_limit_reset_at = limit.reset_at
        _rows(account).update(
            rate_limit_remaining=limit.remaining, rate_limit_reset_at=limit.reset_at
        )

    known = None
    if account.rate_limit_remaining is not None or account.rate_limit_reset_at is not None:
        known = RateLimit(
            limit=None, remaining=account.rate_limit_remaining, reset_at=account.rate_limit_reset_at
        )
    return AccountAccess(
        service_url=account.service_url,
        handle=account.handle,
        remote_id=account.remote_id,
        credentials=account.credentials_dict(),
        save_credentials=save_credentials,
        rate_limit=known,
        save_rate_limit=save_rate_limit,
    )


def connector_for(account: ConnectedAccount) -> Connector:
    return connector_class(account.network)(access_for(account))


def record_success(account: ConnectedAccount, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    values = {"health": Health.OK, "last_ok_at": now, "rate_limited_until": None}
    for field, value in values.items():
        setattr(account, field, value)
    _rows(account).update(**values)


def record_error(
    account: ConnectedAccount, error: ConnectorError, now: dt.datetime | None = None
) -> None:
    """Store the error on the account, and the health it implies."""
    now = now or timezone.now()
    values: dict[str, Any] = {"last_error": error.message, "last_error_at": now}
    if error.needs_reconnect:
        values["health"] = Health.RECONNECT
    elif error.rate_limited:
        pause = (
            dt.timedelta(seconds=error.retry_after)
            if error.retry_after is not None
            else DEFAULT_RATE_LIMIT_PAUSE
        )
        values["health"] = Health.RATE_LIMITED
        values["rate_limited_until"] = now + pause
    else:
        values["health"] = Health.ERROR
    for field, value in values.items():
        setattr(account, field, value)
    _rows(account).update(**values)
    logger.warning(
        "%s account %s: %s (%r)", account.network, account.pk, error.message, error.remote_message
    )


def call(account: ConnectedAccount, operation: Callable[[Connector], T]) -> T:
    """``operation(connector)``, with the account's health recorded; ConnectorError re-raised."""
    connector = connector_for(account)
    try:
        result = operation(connector)
    except ConnectorError as error:
        record_error(account, error)
        raise
    record_success(account)
    return result
