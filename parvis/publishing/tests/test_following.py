"""Followed accounts as curated sources: read through an account, suggested, shared."""

from __future__ import annotations

import html
from urllib.parse import quote

import pytest
from django.urls import reverse

from parvis.connectors import services
from parvis.connectors.base import Draft
from parvis.connectors.models import ConnectedAccount
from parvis.connectors.sandbox.models import SandboxProfile
from parvis.publishing import following, tasks
from parvis.publishing.models import FollowedAccount, FollowedPost, Post, PostKind
from parvis.publishing.tests.conftest import training_account

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"publishing:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def school(organisation) -> ConnectedAccount:
    """The account of another body on the training network, publishing its own news."""
    account = training_account(organisation, "ecole.bac-a-sable")
    connector = services.connector_for(account)
    connector.publish(Draft(text="Inscriptions à la cantine ouvertes."), idempotency_key="1")
    connector.publish(
        Draft(text="Bravo à la Commune de Test, la meilleure mairie : un travail exemplaire !"),
        idempotency_key="2",
    )
    return account


def test_a_followed_account_s_posts_are_suggested_with_the_laudatory_check(
    client, organisation, community_manager, sandbox, school
):
    client.force_login(community_manager)
    answer = client.post(
        url("follow_add", organisation), {"account": sandbox.pk, "handle": "@ecole.bac-a-sable"}
    )
    assert answer.status_code == 302
    followed = FollowedAccount.objects.get()
    assert (followed.handle, followed.account) == ("ecole.bac-a-sable", sandbox)
    assert followed.last_read_at is not None

    page = html.unescape(client.get(url("suggestions", organisation)).content.decode())
    assert "Inscriptions à la cantine ouvertes." in page
    assert page.count("repost.laudatory") == 1  # the praise, not the canteen
    cantine = FollowedPost.objects.get(text__startswith="Inscriptions")
    assert f"?kind=repost&target={quote(cantine.url, safe='')}" in page


def test_a_suggested_post_opens_a_repost_and_is_then_marked_shared(
    client, organisation, community_manager, sandbox, school
):
    followed = following.follow(sandbox, "ecole.bac-a-sable", actor=community_manager)
    cantine = followed.posts.get(text__startswith="Inscriptions")
    client.force_login(community_manager)
    opened = client.get(url("new", organisation), {"kind": "repost", "target": cantine.url})
    assert opened.context["form"]["kind"].value() == "repost"
    assert f'value="{cantine.url}"' in opened.content.decode()
    client.post(
        url("new", organisation),
        {"kind": "repost", "target": cantine.url, "accounts": [sandbox.pk], "save": ""},
    )
    assert Post.objects.get().kind == PostKind.REPOST
    [shared, _other] = sorted(
        following.suggestions(organisation), key=lambda s: s.post.pk != cantine.pk
    )
    assert shared.shared


def test_a_wrong_handle_or_a_second_follow_is_refused_in_french(
    client, organisation, community_manager, sandbox, school
):
    client.force_login(community_manager)
    wrong = client.post(
        url("follow_add", organisation), {"account": sandbox.pk, "handle": "personne.bac-a-sable"}
    )
    assert "Ce compte n&#x27;existe pas dans le bac à sable" in wrong.content.decode()
    assert not FollowedAccount.objects.exists()
    sandbox.refresh_from_db()
    assert sandbox.health == "ok"  # an unknown handle says nothing of the reading account
    following.follow(sandbox, "ecole.bac-a-sable", actor=community_manager)
    again = client.post(
        url("follow_add", organisation), {"account": sandbox.pk, "handle": "ECOLE.bac-a-sable"}
    )
    assert "est déjà suivi" in html.unescape(again.content.decode())
    assert FollowedAccount.objects.count() == 1


def test_reading_again_adds_the_new_posts_and_keeps_an_error_visible(
    client, organisation, community_manager, sandbox, school
):
    followed = following.follow(sandbox, "ecole.bac-a-sable", actor=community_manager)
    services.connector_for(school).publish(Draft(text="Sortie au musée"), idempotency_key="3")

    assert tasks.read_followed_accounts.call() == 1  # one job per followed account
    assert tasks.read_followed.call(followed.pk) == 1
    assert followed.posts.count() == 3

    SandboxProfile.objects.filter(handle="ecole.bac-a-sable").delete()
    assert tasks.read_followed.call(followed.pk) == 0
    followed.refresh_from_db()
    assert "n'existe pas dans le bac à sable" in followed.last_error
    client.force_login(community_manager)
    page = html.unescape(client.get(url("suggestions", organisation)).content.decode())
    assert "Dernière lecture en erreur" in page
    assert "Sortie au musée" in page  # what was read stays


def test_a_set_aside_post_is_no_longer_suggested_and_unfollowing_forgets_the_rest(
    client, organisation, contributor, community_manager, *, sandbox, school
):
    followed = following.follow(sandbox, "ecole.bac-a-sable", actor=community_manager)
    cantine = followed.posts.get(text__startswith="Inscriptions")
    client.force_login(contributor)
    client.post(url("followed_dismiss", organisation, pk=cantine.pk))
    assert cantine.pk not in [s.post.pk for s in following.suggestions(organisation)]
    assert client.post(url("follow_remove", organisation, pk=followed.pk)).status_code == 403
    client.force_login(community_manager)
    client.post(url("follow_remove", organisation, pk=followed.pk))
    assert not FollowedPost.objects.exists()
