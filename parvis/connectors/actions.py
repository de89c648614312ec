"""Connecting and disconnecting network accounts: one transaction, one audit event each.

The network calls (OAuth exchange, login, revocation) happen outside: before ``do_connect``
(the caller holds the :class:`~parvis.connectors.base.Connection`), and after
``do_disconnect`` (a background job revokes the token, then forgets it).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.connectors.base import Connection
from parvis.connectors.models import ConnectedAccount, Health
from parvis.connectors.tasks import refresh_account, revoke_account
from parvis.jobs.api import enqueue_after_commit
from parvis.organisations.models import Organisation


def _state(account: ConnectedAccount) -> dict[str, Any]:
    return {
        "network": account.network,
        "handle": account.handle,
        "remote_id": account.remote_id,
        "service_url": account.service_url,
        "connected": account.is_connected,
    }


@transaction.atomic
def do_connect(
    organisation: Organisation, *, actor: User | None, network: str, connection: Connection
) -> ConnectedAccount:
    """Store a freshly connected account, or reconnect the one already known."""
    remote = connection.account
    account, created = ConnectedAccount.objects.select_for_update().get_or_create(
        organisation=organisation,
        network=network,
        remote_id=remote.remote_id,
        defaults={"service_url": connection.service_url, "handle": remote.handle},
    )
    before = None if created else _state(account)
    account.service_url = connection.service_url
    account.handle = remote.handle
    account.display_name = remote.display_name
    account.profile_url = remote.url
    account.avatar_url = remote.avatar_url
    account.followers_count = remote.followers_count
    account.set_credentials(connection.credentials)
    account.health = Health.OK
    account.last_error = ""
    account.last_ok_at = timezone.now()
    account.rate_limited_until = None
    account.disconnected_at = None
    account.connected_by = actor
    account.connected_at = timezone.now()
    account.save()
    record(
        organisation=organisation,
        actor=actor,
        action="account.connected",
        target=account,
        before=before,
        after=_state(account),
        summary=str(_("Compte %(network)s connecté : %(handle)s"))
        % {"network": account.get_network_display(), "handle": account.handle},
    )
    return account


@transaction.atomic
def do_disconnect(organisation: Organisation, *, actor: User | None, account_id: int) -> None:
    """Stop using the account at once; its token is revoked and forgotten in the background."""
    account = ConnectedAccount.objects.select_for_update().get(
        pk=account_id, organisation=organisation
    )
    before = _state(account)
    account.disconnected_at = timezone.now()
    account.health = Health.DISCONNECTED
    account.save(update_fields=["disconnected_at", "health"])
    record(
        organisation=organisation,
        actor=actor,
        action="account.disconnected",
        target=account,
        before=before,
        after=_state(account),
        summary=str(_("Compte %(network)s déconnecté : %(handle)s"))
        % {"network": account.get_network_display(), "handle": account.handle},
    )
    enqueue_after_commit(revoke_account, account.pk)


def do_check(account: ConnectedAccount) -> None:
    """Ask for a check of the account now (its health and profile), in the background."""
    enqueue_after_commit(refresh_account, account.pk)
