"""Crisis mode: one broadcast everywhere, pinned, everything else paused until it ends."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.audit.models import AuditEvent
from parvis.connectors.sandbox.models import SandboxPost
from parvis.publishing import composer, crisis
from parvis.publishing import delivery as machine
from parvis.publishing.models import Crisis, Delivery, DeliveryState, Post
from parvis.publishing.tests.conftest import training_account
from parvis.publishing.tests.test_composer import draft

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"publishing:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def accounts(organisation, sandbox):
    return [sandbox, training_account(organisation, "ville-actu.bac-a-sable")]


def _broadcast(client, organisation, **values):
    response = client.post(
        url("crisis_prepare", organisation),
        {
            "modele": "neige",
            "territoire": "toute la commune",
            "periode": "jusqu'à demain midi",
            "transports": "suspendus",
            "lien": "https://ville.test/neige",
            **values,
        },
    )
    assert response.status_code == 302, response.content.decode()
    post = Post.objects.order_by("-pk")[0]
    return client.post(response["Location"], {"modele": "neige", "revision": post.revision}), post


def test_every_template_fills_all_its_placeholders():
    for template in crisis.TEMPLATES.values():
        names = crisis.placeholders(template)
        assert names
        text = crisis.fill(template, {name: f"<{name}>" for name in names})
        assert "{" not in text
        assert all(f"<{name}>" in text for name in names)


def test_a_crisis_broadcast_goes_to_every_account_pinned_and_pauses_the_rest(
    client, organisation, community_manager, accounts
):
    client.force_login(community_manager)
    later = draft(organisation, community_manager, accounts[:1], text="Concert samedi soir")
    composer.confirm(later, actor=community_manager, revision=later.revision,
                     when=timezone.now() + dt.timedelta(hours=3))  # fmt: skip
    answer, post = _broadcast(client, organisation)
    assert answer["Location"] == url("crisis", organisation)
    current = crisis.active(organisation)
    assert current is not None
    assert current.post == post
    broadcast = list(Delivery.objects.filter(post=post))
    assert {d.account for d in broadcast} == set(accounts)
    assert all(d.crisis for d in broadcast)
    assert "Neige et verglas sur toute la commune jusqu'à demain midi" in broadcast[0].text
    assert Delivery.objects.get(post=later).state == DeliveryState.PAUSED

    Delivery.objects.filter(post=post).update(scheduled_at=timezone.now())
    for delivery in broadcast:
        assert machine.deliver(delivery.pk) == DeliveryState.SENT
    pinned = SandboxPost.objects.filter(pinned=True)
    assert pinned.count() == 2  # one per account, where the network pins
    page = html.unescape(client.get(url("index", organisation)).content.decode())
    assert "Mode crise en cours" in page  # on every page of the organisation
    assert AuditEvent.objects.filter(action="crisis.started").count() == 1


def test_during_a_crisis_other_posts_wait_even_if_confirmed_meanwhile(
    client, organisation, community_manager, accounts
):
    client.force_login(community_manager)
    _broadcast(client, organisation)
    ordinary = draft(organisation, community_manager, accounts[:1], text="Marché de Noël")
    [delivery] = composer.confirm(ordinary, actor=community_manager, revision=ordinary.revision,
                                  when=timezone.now())  # fmt: skip
    assert delivery.state == DeliveryState.PAUSED
    # Even a delivery written pending (a confirmation racing the start) is not claimed.
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.PENDING)
    assert machine.claim(delivery.pk) is None
    assert not SandboxPost.objects.filter(text="Marché de Noël").exists()


def test_ending_the_crisis_resumes_what_is_to_come_and_lists_what_passed(
    client, organisation, community_manager, accounts
):
    client.force_login(community_manager)
    soon = draft(organisation, community_manager, accounts[:1], text="Atelier vélo")
    tomorrow = draft(organisation, community_manager, accounts[:1], text="Conseil municipal")
    for post, hours in ((soon, 1), (tomorrow, 24)):
        composer.confirm(post, actor=community_manager, revision=post.revision,
                         when=timezone.now() + dt.timedelta(hours=hours))  # fmt: skip
    _broadcast(client, organisation)
    current = Crisis.objects.get()
    crisis.end(current, actor=community_manager, now=timezone.now() + dt.timedelta(hours=2))
    assert Delivery.objects.get(post=tomorrow).state == DeliveryState.PENDING
    passed = Delivery.objects.get(post=soon)
    assert passed.state == DeliveryState.PAUSED
    page = html.unescape(client.get(url("crisis", organisation)).content.decode())
    assert "Atelier vélo" in page
    assert "Leur heure est passée pendant la crise" in page
    # One that passed can be cancelled from its page instead: it becomes a draft again.
    detail = html.unescape(client.get(url("detail", organisation, pk=soon.pk)).content.decode())
    assert "Annuler l'envoi" in detail
    assert composer.cancel(soon, actor=community_manager) == (1, 0)
    assert soon.state == "draft"
    composer.confirm(soon, actor=community_manager, revision=soon.revision)
    passed = Delivery.objects.get(post=soon, state=DeliveryState.PENDING)
    Delivery.objects.filter(pk=passed.pk).update(state=DeliveryState.PAUSED)
    client.post(url("resume", organisation, pk=passed.pk))
    passed.refresh_from_db()
    assert passed.state == DeliveryState.PENDING
    Delivery.objects.filter(pk=passed.pk).update(scheduled_at=timezone.now())
    assert machine.deliver(passed.pk) == DeliveryState.SENT


def test_one_crisis_at_a_time_and_missing_placeholders_are_said(
    client, organisation, community_manager, accounts
):
    client.force_login(community_manager)
    page = client.post(
        url("crisis_prepare", organisation), {"modele": "neige", "territoire": "la commune"}
    ).content.decode()
    assert "Ce champ est obligatoire" in page
    assert not Post.objects.exists()
    _broadcast(client, organisation)
    second, _post = _broadcast(client, organisation)
    assert "déjà en cours" in html.unescape(second.content.decode())
    assert Crisis.objects.count() == 1
    client.post(url("crisis_end", organisation))
    assert crisis.active(organisation) is None
    assert AuditEvent.objects.filter(action="crisis.ended").count() == 1


def test_a_blocking_finding_stops_the_broadcast_and_opens_no_crisis(
    client, organisation, community_manager, accounts
):
    client.force_login(community_manager)
    long = "quartier " * 33  # two placeholders of 297 characters: over 500 in all
    answer, _post = _broadcast(client, organisation, territoire=long, periode=long)
    assert "ne peut pas partir" in html.unescape(answer.content.decode())
    assert crisis.active(organisation) is None
    assert not Delivery.objects.exists()


def test_a_prepared_crisis_message_is_found_again_after_editing_it(
    client, organisation, community_manager, accounts
):
    client.force_login(community_manager)
    client.post(
        url("crisis_prepare", organisation),
        {
            "modele": "canicule",
            "territoire": "la commune",
            "periode": "jusqu'à vendredi",
            "lieux": "la médiathèque",
            "lien": "https://ville.test/canicule",
        },
    )
    post = Post.objects.get()
    assert post.crisis_kind == "canicule"
    page = html.unescape(client.get(url("crisis", organisation)).content.decode())
    assert "Messages de crise préparés" in page
    assert url("crisis_confirm", organisation, pk=post.pk) in page
    confirm = html.unescape(
        client.get(url("crisis_confirm", organisation, pk=post.pk)).content.decode()
    )
    assert "Déclencher le mode crise : Canicule" in confirm
