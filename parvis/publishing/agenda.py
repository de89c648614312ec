"""The editorial calendar: posts by day (month and week views), rescheduling, iCalendar feed.

Days and hours are those of the instance's time zone (Europe/Paris). A post is shown on the
day of its scheduled time; a post already sent on the day it left.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.core.links import absolute_url
from parvis.organisations.models import Organisation
from parvis.publishing.actions import enqueue_delivery
from parvis.publishing.models import NOT_CLAIMED, Delivery, DeliveryState, Post, PostState


@dataclass(frozen=True)
class Day:
    date: dt.date
    posts: list[Post]
    in_month: bool = True

    @property
    def today(self) -> bool:
        return self.date == timezone.localdate()


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_current_timezone())


def posts_between(
    organisation: Organisation, first: dt.date, last: dt.date
) -> dict[dt.date, list[Post]]:
    """Confirmed posts of ``first`` to ``last`` (included), by local day, in time order."""
    posts = (
        Post.objects.filter(
            organisation=organisation,
            state=PostState.SCHEDULED,
            scheduled_at__gte=_day_start(first),
            scheduled_at__lt=_day_start(last + dt.timedelta(days=1)),
        )
        .prefetch_related("deliveries__account")
        .order_by("scheduled_at")
    )
    by_day: dict[dt.date, list[Post]] = defaultdict(list)
    for post in posts:
        if post.scheduled_at is not None:
            by_day[timezone.localtime(post.scheduled_at).date()].append(post)
    return by_day


def month(organisation: Organisation, year: int, number: int) -> list[list[Day]]:
    """The weeks (Monday first) covering the month, each a list of seven days."""
    first = dt.date(year, number, 1)
    start = first - dt.timedelta(days=first.weekday())
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    end = following - dt.timedelta(days=1)
    end += dt.timedelta(days=6 - end.weekday())
    posts = posts_between(organisation, start, end)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    cells = [Day(day, posts.get(day, []), day.month == number) for day in days]
    return [cells[index : index + 7] for index in range(0, len(cells), 7)]


def week(organisation: Organisation, monday: dt.date) -> list[Day]:
    posts = posts_between(organisation, monday, monday + dt.timedelta(days=6))
    return [
        Day(day, posts.get(day, [])) for day in (monday + dt.timedelta(days=n) for n in range(7))
    ]


class RescheduleError(Exception):
    """The post cannot move as asked; the message says why, in French."""


@transaction.atomic
def reschedule(post: Post, when: dt.datetime, *, actor: User) -> int:
    """Move a confirmed post that has not left yet; its deliveries follow. How many moved."""
    if when <= timezone.now():
        raise RescheduleError(_("Cette date est passée : choisissez un moment à venir."))
    deliveries = (
        Delivery.objects.select_for_update()
        .filter(post=post)
        .exclude(state=DeliveryState.CANCELLED)
    )
    if any(delivery.state not in NOT_CLAIMED for delivery in deliveries):
        raise RescheduleError(
            _(
                "Cette publication est déjà partie (ou en train de partir) : elle ne se "
                "déplace plus."
            )
        )
    before = post.scheduled_at
    moved = 0
    for delivery in deliveries:
        delivery.scheduled_at = when
        delivery.save(update_fields=["scheduled_at"])
        if delivery.state == DeliveryState.PENDING:
            enqueue_delivery(delivery)  # the job of the old time finds it not due, and leaves it
        moved += 1
    Post.objects.filter(pk=post.pk).update(scheduled_at=when, revision=F("revision") + 1)
    record(
        organisation=post.organisation,
        actor=actor,
        action="post.rescheduled",
        target=post,
        before={"scheduled_at": before.isoformat() if before else None},
        after={"scheduled_at": when.isoformat()},
        summary=str(_("Publication déplacée au %(when)s"))
        % {"when": timezone.localtime(when).strftime("%d/%m/%Y %H:%M")},
    )
    post.refresh_from_db()
    return moved


def ical(organisation: Organisation, now: dt.datetime | None = None) -> bytes:
    """The organisation's publications, from 60 days ago on, as an iCalendar feed."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Parvis//Calendrier éditorial//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Publications — %(name)s") % {"name": organisation.name})
    calendar.add("x-wr-timezone", "Europe/Paris")
    posts = (
        Post.objects.filter(
            organisation=organisation,
            state=PostState.SCHEDULED,
            scheduled_at__gte=now - dt.timedelta(days=60),
        )
        .prefetch_related("deliveries__account")
        .order_by("scheduled_at")
    )
    for post in posts:
        deliveries = [d for d in post.deliveries.all() if d.state != DeliveryState.CANCELLED]
        states = ", ".join(f"{d.account.handle} : {d.get_state_display()}" for d in deliveries)
        event = Event()
        event.add("uid", f"post-{post.pk}@{organisation.slug}.parvis")
        event.add("dtstamp", now)
        event.add("dtstart", post.scheduled_at)
        event.add("duration", dt.timedelta(minutes=15))
        event.add("summary", post.text[:80] or str(_("(publication sans texte)")))
        event.add("description", f"{post.text}\n\n{states}")
        event.add("url", absolute_url("publishing:detail", org=organisation.slug, pk=post.pk))
        if post.theme:
            event.add("categories", [post.theme])
        calendar.add_component(event)
    return bytes(calendar.to_ical())
