"""Threads: each later part answers the one before, leaves after it, fails with it."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from parvis.connectors.base import Capability
from parvis.connectors.sandbox.connector import SandboxConnector
from parvis.connectors.sandbox.models import SandboxPost, SandboxProfile
from parvis.publishing import composer
from parvis.publishing import delivery as machine
from parvis.publishing.forms import split_thread
from parvis.publishing.models import Delivery, DeliveryState
from parvis.publishing.tests.test_composer import draft

pytestmark = pytest.mark.django_db


def test_the_thread_field_splits_on_lines_of_dashes():
    assert split_thread("Deux\n---\nTrois\n\n -----  \nQuatre\n---\n") == (
        "Deux",
        "Trois",
        "Quatre",
    )
    assert split_thread("  ") == ()


def test_a_thread_leaves_in_order_each_part_answering_the_last(
    organisation, community_manager, sandbox
):
    post = draft(organisation, community_manager, [sandbox], text="Un", thread=("Deux", "Trois"))
    first, second, third = composer.confirm(
        post, actor=community_manager, revision=post.revision, when=timezone.now()
    )
    assert (second.thread_parent, third.thread_parent) == (first, second)
    assert machine.deliver(second.pk) == DeliveryState.PENDING  # not before the first
    assert not SandboxPost.objects.exists()
    assert machine.deliver(first.pk) == DeliveryState.SENT
    # The next part is enqueued when the first is sent, in the same transaction.
    assert DBTaskResult.objects.filter(args_kwargs__args=[second.pk]).exists()
    assert machine.deliver(second.pk) == DeliveryState.SENT
    assert machine.deliver(third.pk) == DeliveryState.SENT
    one, two, three = (SandboxPost.objects.get(text=t) for t in ("Un", "Deux", "Trois"))
    assert (two.in_reply_to, three.in_reply_to) == (one.remote_id, two.remote_id)


def test_a_part_whose_predecessor_failed_fails_with_it(organisation, community_manager, sandbox):
    post = draft(organisation, community_manager, [sandbox], text="Un", thread=("Deux",))
    first, second = composer.confirm(
        post, actor=community_manager, revision=post.revision, when=timezone.now()
    )
    SandboxProfile.objects.update(revoked=True)
    assert machine.deliver(first.pk) == DeliveryState.FAILED
    assert machine.deliver(second.pk) == DeliveryState.FAILED
    second.refresh_from_db()
    assert second.last_error == "La publication précédente du fil n'est pas partie."


def test_each_part_is_checked_and_a_network_without_threads_is_said(
    organisation, community_manager, sandbox, monkeypatch
):
    post = draft(organisation, community_manager, [sandbox], text="Un", thread=("x" * 600,))
    [item] = composer.check_post(post).variants
    assert any(
        f.message.startswith("Publication 2 du fil :") and f.code == "length.too_long"
        for f in item.blocking
    )
    monkeypatch.setattr(
        SandboxConnector, "capabilities", SandboxConnector.capabilities - {Capability.THREAD}
    )
    [item] = composer.check_post(post).variants
    assert "Bac à sable ne permet pas : publier un fil." in [f.message for f in item.blocking]
    assert Delivery.objects.count() == 0
