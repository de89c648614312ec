"""Background work of publication: tasks take ids and are enqueued after commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import translation

from parvis.connectors.errors import ConnectorError
from parvis.connectors.models import ConnectedAccount
from parvis.jobs.api import parvis_task, periodic
from parvis.notify.service import deliver_or_raise
from parvis.publishing import delivery, following, regularity
from parvis.publishing.models import FollowedAccount


@parvis_task(queue="publish", retry_on_crash=True, max_attempts=8, gave_up=delivery.gave_up)
def deliver(delivery_id: int) -> str:
    """Publish one delivery exactly once (see :mod:`parvis.publishing.delivery`)."""
    return delivery.deliver(delivery_id)


@parvis_task(max_attempts=3)
def notify_failure(delivery_id: int) -> str:
    """E-mail the people who wrote and confirmed a post that one of its deliveries failed."""
    return delivery.notify_failure(delivery_id)


@periodic(every=dt.timedelta(hours=1))
@parvis_task()
def warn_coming_gaps() -> int:
    """Once an hour: announce the gaps in publication that open within the notice delay."""
    return sum(regularity.announce(row) for row in regularity.gaps_to_announce())


@parvis_task(max_attempts=3)
def send_gap_warning(channel_id: int, account_id: int, gap_at: str, target: int) -> dict[str, Any]:
    """Warn one channel of a coming gap (``target``: the account's publications a week)."""
    account = ConnectedAccount.objects.select_related("organisation").get(pk=account_id)
    with translation.override(settings.LANGUAGE_CODE):
        notification = regularity.gap_notification(
            account, dt.datetime.fromisoformat(gap_at), target
        )
    return deliver_or_raise(channel_id, notification)


@periodic(every=dt.timedelta(minutes=30))
@parvis_task()
def read_followed_accounts() -> int:
    """Every half hour: read each followed account, one job each (one failing stops none)."""
    ids = list(
        FollowedAccount.objects.filter(account__disconnected_at=None).values_list("pk", flat=True)
    )
    for pk in ids:
        read_followed.enqueue(pk)
    return len(ids)


@parvis_task(max_attempts=2)
def read_followed(followed_id: int) -> int:
    """Read one followed account's latest posts; an error is kept on it and shown."""
    followed = FollowedAccount.objects.select_related("account").filter(pk=followed_id).first()
    if followed is None:
        return 0
    try:
        return following.read(followed)
    except ConnectorError:
        return 0  # kept on the row, shown on the suggestions page; read again in 30 min
