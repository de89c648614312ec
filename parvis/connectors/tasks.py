"""Background work on connected accounts: tasks take ids and are enqueued after commit."""

from __future__ import annotations

import datetime as dt

from parvis.connectors import services
from parvis.connectors.errors import ConnectorError
from parvis.connectors.models import ConnectedAccount
from parvis.jobs.api import parvis_task, periodic
from parvis.jobs.errors import TransientError


@parvis_task(retry_on_crash=True, max_attempts=3)
def refresh_account(account_id: int) -> str:
    """Check the credentials and refresh the profile (name, avatar, followers)."""
    account = ConnectedAccount.objects.filter(pk=account_id, disconnected_at=None).first()
    if account is None:
        return "gone"
    try:
        remote = services.call(account, lambda connector: connector.verify())
    except ConnectorError as error:
        if not error.permanent:
            raise TransientError(error.message, retry_after=error.retry_after) from error
        return "error"  # recorded on the account: reconnection needed, refused…
    ConnectedAccount.objects.filter(pk=account.pk).update(
        display_name=remote.display_name[:300],
        profile_url=remote.url[:500],
        avatar_url=remote.avatar_url[:1000],
        followers_count=remote.followers_count,
    )
    return "ok"


@parvis_task(retry_on_crash=True, max_attempts=3)
def revoke_account(account_id: int) -> str:
    """Revoke the token of a disconnected account where the network allows it, then forget it."""
    account = ConnectedAccount.objects.filter(pk=account_id).exclude(disconnected_at=None).first()
    if account is None or not account.credentials:
        return "nothing"
    services.connector_for(account).disconnect()  # never raises
    ConnectedAccount.objects.filter(pk=account.pk).update(credentials="")
    return "revoked"


@periodic(every=dt.timedelta(hours=1))
@parvis_task()
def refresh_all_accounts() -> int:
    """Once an hour: every connected account checked, so that a revoked token shows early."""
    accounts = ConnectedAccount.objects.filter(disconnected_at=None).values_list("pk", flat=True)
    for account_id in accounts:
        refresh_account.enqueue(account_id)
    return len(accounts)
