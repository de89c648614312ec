"""The editorial calendar: month and week views, moving a post, the private iCalendar feed."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from parvis.publishing import agenda, composer
from parvis.publishing import delivery as machine
from parvis.publishing.forms import local_datetime
from parvis.publishing.models import CalendarFeed, Delivery, DeliveryState
from parvis.publishing.tests.test_composer import draft

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"publishing:{name}", kwargs={"org": organisation.slug, **kwargs})


def scheduled(organisation, author, account, text: str, when: dt.datetime):
    post = draft(organisation, author, [account], text=text)
    composer.confirm(post, actor=author, revision=post.revision, when=when)
    return post


def test_the_month_shows_each_post_on_its_paris_day(
    client, organisation, community_manager, sandbox
):
    day = timezone.localdate() + dt.timedelta(days=40)
    late = local_datetime(day, dt.time(23, 30))  # 22:30 UTC in winter: still this Paris day
    post = scheduled(organisation, community_manager, sandbox, "Vœux du maire", late)
    weeks = agenda.month(organisation, day.year, day.month)
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][0].date.weekday() == 0  # Monday first
    cells = {cell.date: cell for week in weeks for cell in week}
    assert cells[day].posts == [post]
    client.force_login(community_manager)
    page = html.unescape(
        client.get(url("calendar", organisation), {"date": day.isoformat()}).content.decode()
    )
    assert "23:30 — Vœux du maire" in page
    assert f'data-day="{day.isoformat()}"' in page
    week = client.get(url("calendar", organisation), {"date": day.isoformat(), "vue": "semaine"})
    assert "Vœux du maire" in week.content.decode()


def test_moving_a_post_moves_its_deliveries_and_its_job(
    client, organisation, community_manager, sandbox
):
    day = timezone.localdate() + dt.timedelta(days=3)
    post = scheduled(
        organisation, community_manager, sandbox, "Forum", local_datetime(day, dt.time(9))
    )
    client.force_login(community_manager)
    target = day + dt.timedelta(days=2)
    # A drop on another day of the calendar keeps the time of day.
    client.post(
        url("reschedule", organisation, pk=post.pk), {"day": target.isoformat(), "keep_time": "1"}
    )
    delivery = Delivery.objects.get(post=post)
    moved = timezone.localtime(delivery.scheduled_at)
    assert (moved.date(), moved.hour) == (target, 9)
    # The job of the old time finds it not due, and leaves it.
    assert machine.deliver(delivery.pk) == DeliveryState.PENDING
    # The form moves it to a given day and time.
    client.post(
        url("reschedule", organisation, pk=post.pk), {"day": target.isoformat(), "clock": "18:45"}
    )
    delivery.refresh_from_db()
    assert timezone.localtime(delivery.scheduled_at).strftime("%H:%M") == "18:45"


def test_a_post_that_left_or_a_past_date_cannot_be_moved(organisation, community_manager, sandbox):
    post = scheduled(organisation, community_manager, sandbox, "Parti", timezone.now())
    machine.deliver(Delivery.objects.get(post=post).pk)
    with pytest.raises(agenda.RescheduleError, match="déjà partie"):
        agenda.reschedule(post, timezone.now() + dt.timedelta(days=1), actor=community_manager)
    later = scheduled(
        organisation, community_manager, sandbox, "Plus tard", timezone.now() + dt.timedelta(days=1)
    )
    with pytest.raises(agenda.RescheduleError, match="passée"):
        agenda.reschedule(later, timezone.now() - dt.timedelta(hours=1), actor=community_manager)


def test_the_private_feed_lists_the_posts_and_a_new_link_kills_the_old(
    client, organisation, admin, community_manager, sandbox
):
    when = timezone.now() + dt.timedelta(days=2)
    scheduled(organisation, community_manager, sandbox, "Conseil municipal jeudi", when)
    client.force_login(community_manager)
    assert client.post(url("calendar_feed", organisation)).status_code == 403
    client.force_login(admin)
    client.post(url("calendar_feed", organisation))
    token = CalendarFeed.objects.get(organisation=organisation).token
    client.logout()
    feed = client.get(reverse("publishing_feed:ical", kwargs={"token": token}))
    assert feed["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(event["summary"]) == "Conseil municipal jeudi"
    assert (
        event.decoded("dtstart") == when.replace(microsecond=0) or event.decoded("dtstart") == when
    )
    assert "ville.bac-a-sable : En attente d'envoi" in str(event["description"])
    client.force_login(admin)
    client.post(url("calendar_feed", organisation))
    client.logout()
    assert client.get(reverse("publishing_feed:ical", kwargs={"token": token})).status_code == 404
