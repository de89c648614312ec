"""Each account's queue of time slots: "Ajouter à la file" takes its next free slot.

A slot is a weekday and a time of day, Paris time (e.g. Tuesday 12:30). The next free slot of
an account is the first slot to come, after the undo window, at which none of its deliveries
is already due (pending, paused or being sent); the hour skipped by summer time is passed over.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.connectors.models import ConnectedAccount
from parvis.publishing.forms import local_datetime
from parvis.publishing.models import UNFINISHED, Delivery, QueueSlot

HORIZON_WEEKS = 12


def upcoming(account: ConnectedAccount, after: dt.datetime, count: int) -> list[dt.datetime]:
    """The next ``count`` free slot times of ``account`` after ``after``."""
    slots = list(QueueSlot.objects.filter(account=account).values_list("weekday", "time"))
    if not slots:
        return []
    taken = set(
        Delivery.objects.filter(
            account=account, state__in=UNFINISHED, scheduled_at__gte=after
        ).values_list("scheduled_at", flat=True)
    )
    found: list[dt.datetime] = []
    first = timezone.localtime(after).date()
    for offset in range(HORIZON_WEEKS * 7):
        day = first + dt.timedelta(days=offset)
        for weekday, clock in sorted(slots, key=lambda slot: slot[1]):
            if weekday != day.weekday():
                continue
            try:
                moment = local_datetime(day, clock)
            except ValidationError:  # the hour skipped when summer time starts
                continue
            if moment > after and moment not in taken:
                found.append(moment)
                if len(found) == count:
                    return found
    return found


def next_free(account: ConnectedAccount, after: dt.datetime) -> dt.datetime | None:
    found = upcoming(account, after, 1)
    return found[0] if found else None
