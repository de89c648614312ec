"""Replies, quotes and reposts: a post named by its address, found through each account."""

from __future__ import annotations

import html

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from parvis.connectors import services
from parvis.connectors.base import Draft
from parvis.connectors.sandbox.models import SandboxPost
from parvis.publishing import composer
from parvis.publishing import delivery as machine
from parvis.publishing.models import Delivery, DeliveryState, Post, PostKind
from parvis.publishing.tests.conftest import training_account
from parvis.publishing.tests.test_composer import draft

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_looked_up_posts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def school_post(organisation):
    """A post of another account of the training network, as a citizen would see it."""
    school = training_account(organisation, "ecole.bac-a-sable")
    return services.connector_for(school).publish(
        Draft(text="Portes ouvertes de l'école samedi matin."), idempotency_key="school"
    )


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"publishing:{name}", kwargs={"org": organisation.slug, **kwargs})


def confirm_and_deliver(post: Post, actor) -> Delivery:
    [delivery] = composer.confirm(post, actor=actor, revision=post.revision, when=timezone.now())
    assert machine.deliver(delivery.pk) == DeliveryState.SENT
    delivery.refresh_from_db()
    return delivery


def test_a_reply_answers_the_post_named_by_its_address(
    organisation, community_manager, sandbox, school_post
):
    post = draft(
        organisation, community_manager, [sandbox], text="Venez nombreux !",
        kind=PostKind.REPLY, target=school_post.url,
    )  # fmt: skip
    [item] = composer.check_post(post).variants
    assert item.target is not None
    assert item.target.remote_id == school_post.remote_id

    delivery = confirm_and_deliver(post, community_manager)

    reply = SandboxPost.objects.get(remote_id=delivery.remote_id)
    assert reply.in_reply_to == school_post.remote_id
    assert reply.text == "Venez nombreux !"


def test_a_quote_names_the_post_and_keeps_its_own_text(
    organisation, community_manager, sandbox, school_post
):
    post = draft(
        organisation, community_manager, [sandbox], text="Une belle initiative.",
        kind=PostKind.QUOTE, target=school_post.url,
    )  # fmt: skip
    delivery = confirm_and_deliver(post, community_manager)

    quote = SandboxPost.objects.get(remote_id=delivery.remote_id)
    assert quote.quote_of == school_post.remote_id
    assert quote.text == "Une belle initiative."


def test_a_repost_shares_the_post_once_and_nothing_of_ours(
    organisation, community_manager, sandbox, school_post
):
    post = draft(
        organisation, community_manager, [sandbox], text="Ce texte ne partira pas",
        kind=PostKind.REPOST, target=school_post.url, thread=("Ni cette suite",),
    )  # fmt: skip
    checked = composer.check_post(post)
    assert [finding.code for finding in checked.general] == ["repost.own_content"]
    assert not checked.blocking

    delivery = confirm_and_deliver(post, community_manager)
    machine.retry(delivery)  # even sent again by hand, the post is shared once

    assert Delivery.objects.filter(post=post).count() == 1  # no thread for a repost
    shared = SandboxPost.objects.get(remote_id=school_post.remote_id)
    assert shared.reposts == 1
    assert SandboxPost.objects.get(remote_id=delivery.remote_id).repost_of == shared.remote_id
    assert not SandboxPost.objects.filter(text="Ce texte ne partira pas").exists()


def test_praise_of_the_organisation_is_flagged_in_what_it_would_share(
    organisation, community_manager, sandbox
):
    other = training_account(organisation, "fan.bac-a-sable")
    praise = services.connector_for(other).publish(
        Draft(text="Bravo à la Commune de Test, la meilleure mairie : un travail exemplaire !"),
        idempotency_key="praise",
    )
    post = draft(
        organisation, community_manager, [sandbox], text="",
        kind=PostKind.REPOST, target=praise.url,
    )  # fmt: skip
    [item] = composer.check_post(post).variants
    laudatory = [f for f in item.findings if f.code == "repost.laudatory"]
    assert laudatory
    assert laudatory[0].message.startswith("Publication partagée : ")


def test_a_missing_or_unknown_address_blocks_the_post_with_a_french_reason(
    organisation, community_manager, sandbox
):
    missing = draft(organisation, community_manager, [sandbox], kind=PostKind.REPLY, target="")
    assert [f.message for f in composer.check_post(missing).blocking] == [
        "Collez l'adresse de la publication à laquelle répondre."
    ]
    unknown = draft(
        organisation, community_manager, [sandbox],
        kind=PostKind.QUOTE, target="https://exemple.fr/bac-a-sable/x/#post-inconnu",
    )  # fmt: skip
    [reason] = composer.check_post(unknown).blocking
    assert "n'existe pas (ou plus) dans le bac à sable" in reason.message
    with pytest.raises(composer.ConfirmError):
        composer.confirm(unknown, actor=community_manager, revision=unknown.revision)
    assert not Delivery.objects.exists()
    sandbox.refresh_from_db()
    assert sandbox.health == "ok"  # a post not found is the draft's problem, not the account's


def test_the_composer_shows_the_post_answered_as_the_user_types(
    client, organisation, contributor, sandbox, school_post
):
    client.force_login(contributor)
    check = url("check", organisation)
    answer = client.post(
        check,
        {"kind": "reply", "target": school_post.url, "text": "Merci !", "accounts": [sandbox.pk]},
    ).content.decode()
    assert "En réponse à" in answer
    assert "Portes ouvertes de l&#x27;école samedi matin." in answer
    typo = client.post(
        url("new", organisation),
        {"kind": "reply", "target": "javascript:alert(1)", "text": "Merci", "save": ""},
    ).content.decode()
    assert "n'est pas l'adresse d'une publication" in html.unescape(typo)
    assert not Post.objects.exists()


def test_a_reply_can_be_opened_from_a_link_and_is_saved_with_its_address(
    client, organisation, contributor, sandbox, school_post
):
    client.force_login(contributor)
    opened = client.get(url("new", organisation), {"kind": "reply", "target": school_post.url})
    assert f'value="{school_post.url}"' in opened.content.decode()
    client.post(
        url("new", organisation),
        {"kind": "reply", "target": school_post.url, "text": "Merci", "accounts": [sandbox.pk],
         "save": ""},
    )  # fmt: skip
    post = Post.objects.get()
    assert (post.kind, post.target) == (PostKind.REPLY, school_post.url)
    plain = client.post(
        url("edit", organisation, pk=post.pk),
        {"kind": "post", "target": school_post.url, "text": "Merci", "accounts": [sandbox.pk],
         "revision": post.revision, "save": ""},
    )  # fmt: skip
    assert plain.status_code == 302
    post.refresh_from_db()
    assert (post.kind, post.target) == (PostKind.POST, "")  # a publication names no post
