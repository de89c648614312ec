"""Regularity: publications a week per account against the editorial line's cadence.

Weeks run Monday to Sunday in the instance's time zone (Europe/Paris). A week is met when the
account published at least its target that week. The streak is the number of weeks met in a
row, up to the last complete week (and the current one once it is met). A gap opens when an
account goes longer than 7 days / target without a publication, sent or scheduled; Parvis
warns a configurable time before (``PARVIS_GAP_NOTICE_HOURS``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.connectors.models import ConnectedAccount
from parvis.core.links import absolute_url
from parvis.jobs.api import enqueue_after_commit
from parvis.notify.models import NotificationChannel
from parvis.notify.notification import Notification
from parvis.organisations.models import Organisation
from parvis.publishing.models import Delivery, DeliveryState, GapWarning
from parvis.strategy import editorial

WEEKS = 8


@dataclass(frozen=True)
class Week:
    monday: dt.date
    sent: int
    scheduled: int  # still to leave this week
    met: bool | None  # None: no target

    @property
    def current(self) -> bool:
        return self.monday == monday_of(timezone.localdate())


@dataclass(frozen=True)
class Regularity:
    account: ConnectedAccount
    target: int | None  # publications a week, from the editorial line
    weeks: list[Week]  # oldest first, the current week last
    streak: int
    last_at: dt.datetime | None  # the latest publication, sent or scheduled
    gap_at: dt.datetime | None  # when a gap opens (or opened) without a new publication

    def gap_open(self, now: dt.datetime | None = None) -> bool:
        return self.gap_at is not None and self.gap_at <= (now or timezone.now())


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _streak(weeks: list[Week]) -> int:
    complete = weeks[:-1] if weeks and not weeks[-1].met else weeks
    count = 0
    for week in reversed(complete):
        if not week.met:
            break
        count += 1
    return count


def for_organisation(
    organisation: Organisation, now: dt.datetime | None = None, weeks: int = WEEKS
) -> list[Regularity]:
    now = now or timezone.now()
    line = editorial.current(organisation)
    cadence = dict(line.cadence) if line else {}
    this_monday = monday_of(timezone.localtime(now).date())
    mondays = [this_monday - dt.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    since = dt.datetime.combine(mondays[0], dt.time(), tzinfo=timezone.get_current_timezone())
    accounts = ConnectedAccount.objects.filter(organisation=organisation, disconnected_at=None)
    sent = Counter(
        (account, monday_of(timezone.localtime(at).date()))
        for account, at in Delivery.objects.filter(
            organisation=organisation, state=DeliveryState.SENT, sent_at__gte=since
        ).values_list("account_id", "sent_at")
    )
    waiting = Delivery.objects.filter(organisation=organisation, state=DeliveryState.PENDING)
    scheduled = Counter(
        (account, monday_of(timezone.localtime(at).date()))
        for account, at in waiting.exclude(scheduled_at=None).values_list(
            "account_id", "scheduled_at"
        )
    )
    last_sent = dict(
        Delivery.objects.filter(organisation=organisation, state=DeliveryState.SENT)
        .values("account_id")
        .annotate(at=Max("sent_at"))
        .values_list("account_id", "at")
    )
    last_scheduled = dict(
        waiting.values("account_id")
        .annotate(at=Max("scheduled_at"))
        .values_list("account_id", "at")
    )
    rows = []
    for account in accounts:
        target = int(cadence[account.network]) if cadence.get(account.network) else None
        history = [
            Week(
                monday,
                sent[(account.pk, monday)],
                scheduled[(account.pk, monday)],
                None if target is None else sent[(account.pk, monday)] >= target,
            )
            for monday in mondays
        ]
        known = [at for at in (last_sent.get(account.pk), last_scheduled.get(account.pk)) if at]
        last_at = max(known) if known else None
        gap_at = None
        if target:
            # Never published: the gap is counted from the account's connection.
            gap_at = (last_at or account.connected_at) + dt.timedelta(days=7 / target)
        rows.append(Regularity(account, target, history, _streak(history), last_at, gap_at))
    return rows


def gaps_to_announce(now: dt.datetime | None = None) -> list[Regularity]:
    """The accounts whose next gap opens within the notice delay, not announced yet."""
    now = now or timezone.now()
    notice = dt.timedelta(hours=settings.PARVIS_GAP_NOTICE_HOURS)
    due = []
    organisations = Organisation.objects.filter(
        connected_accounts__disconnected_at=None, editorial_lines__isnull=False
    ).distinct()
    for organisation in organisations:
        for row in for_organisation(organisation, now):
            if row.gap_at is None or not now <= row.gap_at <= now + notice:
                continue
            gap_at = row.gap_at.replace(second=0, microsecond=0)
            if not GapWarning.objects.filter(account=row.account, gap_at=gap_at).exists():
                due.append(row)
    return due


def announce(row: Regularity) -> bool:
    """Warn the organisation's channels of one coming gap, once (False: already warned)."""
    from parvis.publishing.tasks import send_gap_warning  # the tasks module imports this one

    if row.gap_at is None or row.target is None:
        return False
    gap_at = row.gap_at.replace(second=0, microsecond=0)
    _warning, created = GapWarning.objects.get_or_create(account=row.account, gap_at=gap_at)
    if not created:
        return False
    channels = NotificationChannel.objects.filter(
        organisation=row.account.organisation, is_active=True
    )
    for channel in channels:
        enqueue_after_commit(
            send_gap_warning, channel.pk, row.account.pk, gap_at.isoformat(), row.target
        )
    return True


def gap_notification(account: ConnectedAccount, gap_at: dt.datetime, target: int) -> Notification:
    organisation = account.organisation
    return Notification(
        subject=_("Publication : un trou s'ouvre bientôt sur %(handle)s")
        % {"handle": account.handle},
        text=_(
            "Sans nouvelle publication, %(handle)s n'aura rien publié depuis plus de "
            "%(days).1f jours le %(when)s (cible de la ligne éditoriale : %(target)d par "
            "semaine). Programmez une publication : %(link)s"
        )
        % {
            "handle": account.handle,
            "days": 7 / target,
            "when": timezone.localtime(gap_at).strftime("%d/%m/%Y %H:%M"),
            "target": target,
            "link": absolute_url("publishing:new", org=organisation.slug),
        },
        link=absolute_url("publishing:regularity", org=organisation.slug),
        key=f"gap-{account.pk}-{gap_at:%Y%m%d%H%M}",
    )
