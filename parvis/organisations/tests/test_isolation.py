"""Every page of an organisation answers 404 to outsiders, 403 to members without the right.

The list of pages is read from the URL resolver (every page that takes ``org``, whatever its
app), so that a new page is covered without editing this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parvis.connectors.feeds.models import FeedSource
from parvis.connectors.models import ConnectedAccount
from parvis.notify.models import ChannelKind, NotificationChannel
from parvis.organisations.models import Membership, ResourcePerson
from parvis.publishing.models import Delivery, Post

pytestmark = pytest.mark.django_db

# Pages that change things: a member without Permission.MANAGE gets 403 on them.
MANAGE_PAGES = {
    "organisations:profile_edit",
    "organisations:member_add",
    "organisations:member_role",
    "organisations:member_remove",
    "organisations:resource_person_create",
    "organisations:resource_person_edit",
    "organisations:resource_person_delete",
    "notify:channel_create",
    "notify:channel_edit",
    "notify:channel_delete",
    "notify:channel_test",
    "connectors:mastodon_connect",
    "connectors:bluesky_connect",
    "connectors:account_check",
    "connectors:account_disconnect",
    "connectors:sandbox_connect",
    "connectors:sandbox_revoke",
    "connectors:sandbox_reconnect",
}
# Pages of editorial work: a contributor (who may only draft) gets 403 on them.
PUBLISH_PAGES = {
    "feeds:source_create",
    "feeds:source_edit",
    "feeds:source_delete",
    "feeds:source_fetch",
    "strategy:start",
    "strategy:edit",
    "strategy:article_add",
    "strategy:article_edit",
    "strategy:article_delete",
    "strategy:editorial_edit",
    "strategy:certification_declare",
    "strategy:buzzform_edit",
    "strategy:buzzform_send",
    "strategy:objective_add",
    "strategy:objective_edit",
    "strategy:objective_delete",
    "connectors:sandbox_play",
    "publishing:confirm",
    "publishing:cancel",
    "publishing:retry",
    "publishing:resume",
    "publishing:crisis_prepare",
    "publishing:crisis_confirm",
    "publishing:crisis_end",
    "publishing:queue_add",
    "publishing:queue_remove",
    "publishing:reschedule",
    "publishing:follow_add",
    "publishing:follow_read",
    "publishing:follow_remove",
}


def _walk(
    patterns: list[Any], namespace: str | None, converters: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    for pattern in patterns:
        found = {**converters, **pattern.pattern.converters}
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, pattern.namespace or namespace, found)
        elif isinstance(pattern, URLPattern) and pattern.name and "org" in found:
            yield f"{namespace}:{pattern.name}", found


ORGANISATION_PAGES = sorted(dict(_walk(get_resolver().url_patterns, None, {})).items())


def test_the_resolver_lists_the_pages_we_know():
    names = {name for name, _ in ORGANISATION_PAGES}
    assert {"front:dashboard", "strategy:index", "organisations:members"} <= names
    assert names >= MANAGE_PAGES | PUBLISH_PAGES


@pytest.fixture
def existing_objects(organisation, admin):
    """Real ids of the organisation's objects, so that only the membership check can refuse."""
    person = ResourcePerson.objects.create(
        organisation=organisation, name="État civil", email="ec@commune.test"
    )
    channel = NotificationChannel.objects.create(
        organisation=organisation, kind=ChannelKind.EMAIL, name="Cabinet", target="cab@commune.test"
    )
    account = ConnectedAccount.objects.create(
        organisation=organisation,
        network="mastodon",
        service_url="https://mastodon.test",
        remote_id="1",
        handle="ville@mastodon.test",
    )
    source = FeedSource.objects.create(
        organisation=organisation, name="Actualités", url="https://www.ville.test/rss"
    )
    post = Post.objects.create(organisation=organisation, text="Un brouillon")
    delivery = Delivery.objects.create(
        organisation=organisation, account=account, post=post, text="Un envoi", state="failed"
    )
    return {
        "post": post.pk,
        "delivery": delivery.pk,
        "account": account.pk,
        "source": source.pk,
        "membership": Membership.objects.get(user=admin).pk,
        "person": person.pk,
        "channel": channel.pk,
        "uidb64": urlsafe_base64_encode(force_bytes(admin.pk)),
    }


def _object_of(name: str) -> str:
    if name in {"publishing:retry", "publishing:resume"}:
        return "delivery"
    if name.startswith("publishing:"):
        return "post"
    if "resource_person" in name:
        return "person"
    if name.startswith("connectors:"):
        return "account"
    if name.startswith("feeds:"):
        return "source"
    return "channel" if name.startswith("notify:") else "membership"


def _url(name: str, converters: dict[str, Any], slug: str, objects: dict[str, Any]) -> str:
    kwargs: dict[str, Any] = {"org": slug}
    for key, converter in converters.items():
        if key == "org":
            continue
        if key == "uidb64":
            kwargs[key] = objects["uidb64"]
        elif isinstance(converter, IntConverter):
            kwargs[key] = objects[_object_of(name)]
        else:
            kwargs[key] = "a-token"
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("page", ORGANISATION_PAGES, ids=[name for name, _ in ORGANISATION_PAGES])
def test_an_outsider_gets_404_on_every_page_of_the_organisation(
    client, outsider, organisation, existing_objects, page
):
    name, converters = page
    client.force_login(outsider)
    url = _url(name, converters, organisation.slug, existing_objects)
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "admin", "name": "x", "email": "x@x.test"}).status_code == 404


@pytest.mark.parametrize("name", sorted(MANAGE_PAGES))
def test_a_community_manager_gets_403_on_every_change(
    client, community_manager, organisation, existing_objects, name
):
    client.force_login(community_manager)
    converters = dict(ORGANISATION_PAGES)[name]
    url = _url(name, converters, organisation.slug, existing_objects)
    response = client.post(url, {"role": "admin", "name": "x", "email": "x@x.test"})
    assert response.status_code == 403
    assert Membership.objects.get(pk=existing_objects["membership"]).role == "admin"
    assert ResourcePerson.objects.filter(pk=existing_objects["person"]).exists()
    assert NotificationChannel.objects.get(pk=existing_objects["channel"]).name == "Cabinet"
    assert ConnectedAccount.objects.get(pk=existing_objects["account"]).is_connected


@pytest.mark.parametrize(
    "name",
    [
        "organisations:profile",
        "organisations:members",
        "organisations:resource_persons",
        "notify:channels",
        "connectors:accounts",
    ],
)
def test_a_reader_reads_the_settings_without_the_forms(client, reader, organisation, name):
    client.force_login(reader)
    response = client.get(reverse(name, kwargs={"org": organisation.slug}))
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in response.content.decode().split('id="contenu"')[1]


@pytest.mark.parametrize("name", sorted(PUBLISH_PAGES))
def test_a_contributor_gets_403_on_every_editorial_change(
    client, contributor, organisation, existing_objects, name
):
    client.force_login(contributor)
    converters = dict(ORGANISATION_PAGES)[name]
    url = _url(name, converters, organisation.slug, existing_objects)
    response = client.post(url, {"name": "x", "url": "https://x.test/rss"})
    assert response.status_code == 403
    assert FeedSource.objects.get(pk=existing_objects["source"]).name == "Actualités"
    assert Delivery.objects.get(pk=existing_objects["delivery"]).state == "failed"
    assert Post.objects.get(pk=existing_objects["post"]).state == "draft"
