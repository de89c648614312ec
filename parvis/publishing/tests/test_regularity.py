"""Regularity: weeks met against the editorial line's cadence, streaks, gaps and their warning."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.notify.models import ChannelKind, NotificationChannel
from parvis.organisations.demo import DEMO_EDITORIAL_LINE
from parvis.publishing import regularity
from parvis.publishing.models import Delivery, DeliveryState, GapWarning
from parvis.publishing.tasks import warn_coming_gaps
from parvis.strategy import editorial

pytestmark = pytest.mark.django_db


def sent(account, at: dt.datetime, state=DeliveryState.SENT) -> Delivery:
    return Delivery.objects.create(
        organisation=account.organisation,
        account=account,
        text="Publication",
        state=state,
        sent_at=at if state == DeliveryState.SENT else None,
        scheduled_at=at,
    )


@pytest.fixture
def line(organisation):
    return editorial.write(
        organisation, {**DEMO_EDITORIAL_LINE, "cadence": {"sandbox": 2}}, actor=None, note=""
    )


def test_weeks_met_and_the_streak(organisation, sandbox, line):
    now = dt.datetime(2027, 3, 17, 12, 0, tzinfo=dt.UTC)  # a Wednesday
    monday = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.UTC)
    for weeks_back, count in ((1, 2), (2, 3), (3, 1), (4, 2)):
        for index in range(count):
            sent(sandbox, monday - dt.timedelta(weeks=weeks_back) + dt.timedelta(days=index))
    sent(sandbox, now - dt.timedelta(hours=1))
    [row] = regularity.for_organisation(organisation, now)
    assert row.target == 2
    assert [w.sent for w in row.weeks][-5:] == [2, 1, 3, 2, 1]
    assert [w.met for w in row.weeks][-5:] == [True, False, True, True, False]
    assert row.streak == 2  # the two last complete weeks; the current one is not met yet
    assert row.gap_at == now - dt.timedelta(hours=1) + dt.timedelta(days=3.5)


def test_a_scheduled_post_moves_the_gap_and_counts_for_its_week(organisation, sandbox, line):
    now = timezone.now()
    sent(sandbox, now - dt.timedelta(days=2))
    later = now + dt.timedelta(minutes=5)
    sent(sandbox, later, state=DeliveryState.PENDING)
    [row] = regularity.for_organisation(organisation, now)
    assert row.last_at == later
    assert row.gap_at == later + dt.timedelta(days=3.5)
    this_week = regularity.monday_of(timezone.localtime(later).date()) == row.weeks[-1].monday
    assert row.weeks[-1].scheduled == (1 if this_week else 0)


def test_no_target_no_gap(organisation, sandbox):
    [row] = regularity.for_organisation(organisation)
    assert row.target is None
    assert row.gap_at is None
    assert all(week.met is None for week in row.weeks)


def test_a_coming_gap_is_announced_once_to_the_channels(
    organisation, sandbox, line, mailoutbox, jobs_run_on_commit
):
    NotificationChannel.objects.create(
        organisation=organisation, kind=ChannelKind.EMAIL, name="Cabinet", target="cab@commune.test"
    )
    sent(sandbox, timezone.now() - dt.timedelta(days=3))  # the gap opens in about 12 hours
    with jobs_run_on_commit():
        assert warn_coming_gaps.call() == 1
        assert warn_coming_gaps.call() == 0  # once per gap
    [message] = mailoutbox
    assert message.to == ["cab@commune.test"]
    assert sandbox.handle in message.subject
    assert "2 par semaine" in message.body
    assert GapWarning.objects.count() == 1


def test_the_page_shows_the_weeks(client, organisation, reader, sandbox, line):
    sent(sandbox, timezone.now() - dt.timedelta(days=10))
    client.force_login(reader)
    page = html.unescape(
        client.get(
            reverse("publishing:regularity", kwargs={"org": organisation.slug})
        ).content.decode()
    )
    assert sandbox.handle in page
    assert "Trou ouvert depuis le" in page
    assert "Cible par semaine" in page
