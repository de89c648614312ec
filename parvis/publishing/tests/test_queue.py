"""Queues of time slots: each account's next free slot, Paris time, taken at confirmation."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.publishing import composer, queue
from parvis.publishing.forms import local_datetime
from parvis.publishing.models import Delivery, QueueSlot
from parvis.publishing.tests.conftest import training_account
from parvis.publishing.tests.test_composer import draft

pytestmark = pytest.mark.django_db


def test_the_next_free_slot_skips_taken_ones_and_the_summer_time_hour(organisation, sandbox):
    QueueSlot.objects.create(account=sandbox, weekday=6, time=dt.time(2, 30))  # Sunday 2:30
    QueueSlot.objects.create(account=sandbox, weekday=6, time=dt.time(10, 0))
    saturday = local_datetime(dt.date(2027, 3, 27), dt.time(12, 0))
    # Sunday 28 March 2027: 2:30 does not exist (summer time starts), 10:00 does.
    assert queue.next_free(sandbox, saturday) == local_datetime(dt.date(2027, 3, 28), dt.time(10))
    Delivery.objects.create(
        organisation=organisation,
        account=sandbox,
        text="Déjà là",
        scheduled_at=local_datetime(dt.date(2027, 3, 28), dt.time(10)),
    )
    following = queue.upcoming(sandbox, saturday, 2)
    assert following == [
        local_datetime(dt.date(2027, 4, 4), dt.time(2, 30)),
        local_datetime(dt.date(2027, 4, 4), dt.time(10)),
    ]


def test_confirming_to_the_queue_gives_each_account_its_own_slot(
    organisation, community_manager, sandbox
):
    other = training_account(organisation, "ville-actu.bac-a-sable")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    QueueSlot.objects.create(account=sandbox, weekday=tomorrow.weekday(), time=dt.time(9, 0))
    QueueSlot.objects.create(account=other, weekday=tomorrow.weekday(), time=dt.time(18, 0))
    post = draft(organisation, community_manager, [sandbox, other])
    composer.confirm(post, actor=community_manager, revision=post.revision, queue=True)
    times = {
        d.account_id: timezone.localtime(d.scheduled_at) for d in Delivery.objects.filter(post=post)
    }
    assert (times[sandbox.pk].date(), times[sandbox.pk].hour) == (tomorrow, 9)
    assert (times[other.pk].date(), times[other.pk].hour) == (tomorrow, 18)
    post.refresh_from_db()
    assert post.scheduled_at == min(times.values())
    # The next post goes to the following week's slots: these are taken.
    second = draft(organisation, community_manager, [sandbox], text="Suivante")
    composer.confirm(second, actor=community_manager, revision=second.revision, queue=True)
    nxt = timezone.localtime(Delivery.objects.get(post=second).scheduled_at)
    assert nxt.date() == tomorrow + dt.timedelta(days=7)


def test_an_account_without_slots_is_named(organisation, community_manager, sandbox):
    post = draft(organisation, community_manager, [sandbox])
    with pytest.raises(composer.ConfirmError, match="n'a pas de créneau"):
        composer.confirm(post, actor=community_manager, revision=post.revision, queue=True)
    assert not Delivery.objects.exists()


def test_the_queue_page_adds_and_removes_slots(client, organisation, community_manager, sandbox):
    client.force_login(community_manager)
    page = reverse("publishing:queue", kwargs={"org": organisation.slug})
    add = reverse("publishing:queue_add", kwargs={"org": organisation.slug, "pk": sandbox.pk})
    client.post(add, {f"a{sandbox.pk}-weekday": "1", f"a{sandbox.pk}-time": "12:30"})
    slot = QueueSlot.objects.get()
    assert (slot.weekday, slot.time) == (1, dt.time(12, 30))
    shown = html.unescape(client.get(page).content.decode())
    assert "mardi 12:30" in shown
    assert "Prochains créneaux libres" in shown
    client.post(
        reverse("publishing:queue_remove", kwargs={"org": organisation.slug, "pk": slot.pk})
    )
    assert not QueueSlot.objects.exists()
